from django.views.generic import TemplateView

from conditions.models import Condition


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conditions"] = Condition.objects.published().select_related("category")
        return context
