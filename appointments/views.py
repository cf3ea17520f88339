from django.views.generic import TemplateView


class BookingRequestView(TemplateView):
    """Placeholder until online booking requests open: tells patients how to book by phone."""

    template_name = "appointments/booking_coming_soon.html"
