"""``saidwhat serve``: review, correct and code a corpus in the browser (docs/review.md).

Needs the ``serve`` extra (``pip install 'saidwhat[serve]'``: Starlette, Jinja2, uvicorn,
python-multipart). ``create_app(db, codebook=..., coder=...)`` is the ASGI app.
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    from .app import create_app as make

    return make(*args, **kwargs)


__all__ = ["create_app"]
