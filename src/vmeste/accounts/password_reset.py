"""allauth's password reset form with the proof-of-work (core/pow.py).

A separate module because allauth imports ``vmeste.accounts.forms`` while building its own forms:
importing allauth's forms from there would be circular.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm

from vmeste.core.pow import add_field


class ResetPasswordForm(AllauthResetPasswordForm):
    """Each reset e-mail costs the sender a little work, so nobody floods a mailbox with them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_field(self)
