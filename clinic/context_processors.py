from dmphysios.page_cache import cached_content, content_key

from .models import ClinicDetails


def clinic(request):
    """The clinic's details for the header and footer of every page: from the cache until any content is saved."""
    return {"clinic": cached_content(content_key("clinic-details"), _load_clinic)}


def _load_clinic():
    clinic = ClinicDetails.load()
    clinic.weekly_hours()  # read now, so the cached copy carries the opening hours too
    return clinic
