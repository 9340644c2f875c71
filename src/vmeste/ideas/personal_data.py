from __future__ import annotations

from typing import Any

from vmeste.accounts.services import register_data_section

from .models import Comment, Idea, Vote


def _ideas(user: Any) -> dict[str, Any]:
    return {
        "ideas": [
            {"project": i.project.title, "title": i.title, "text": i.text, "status": i.status}
            for i in Idea.objects.filter(author=user).select_related("project")
        ],
        "comments": [
            {"idea": c.idea_id, "text": c.text, "at": c.created_at.isoformat()}
            for c in Comment.objects.filter(author=user)
        ],
        "votes": [
            {
                "idea": v.idea_id,
                "cast_at": v.cast_at.isoformat(),
                "withdrawn": v.withdrawn_at is not None,
            }
            for v in Vote.objects.filter(user=user)
        ],
    }


register_data_section("ideas", _ideas)
