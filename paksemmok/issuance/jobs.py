from paksemmok.jobs.registry import periodic

from .services import render_missing_pdfs


@periodic(every_seconds=60, name="issuance.render_missing_pdfs")
def render_missing() -> int:
    return render_missing_pdfs()
