"""Events other apps may react to, sent inside the service's transaction.

``answer_published(answer=…)``: an answer was approved and published (the signals app queues
replies to the social networks the appeal came from).
"""

from django.dispatch import Signal

answer_published = Signal()
