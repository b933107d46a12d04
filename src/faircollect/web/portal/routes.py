"""The borrower portal under ``/portal`` (mounted by ``web.app.WEB_ROUTERS``): every page, one router."""

from __future__ import annotations

from fastapi import APIRouter

from faircollect.web.portal import care_pages, debt_pages, relief_pages, signin

router = APIRouter(prefix="/portal", tags=["portal"])
for module in (signin, debt_pages, relief_pages, care_pages):
    router.include_router(module.router)
