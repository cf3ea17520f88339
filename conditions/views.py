from itertools import groupby

from django.views.generic import DetailView, ListView

from .models import Condition


class ConditionListView(ListView):
    template_name = "conditions/condition_list.html"

    def get_queryset(self):
        return Condition.objects.published().select_related("category")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        conditions = list(context["object_list"])
        context["by_letter"] = [
            (letter, list(group)) for letter, group in groupby(conditions, key=lambda c: c.title[:1].upper())
        ]
        by_category = sorted(conditions, key=lambda c: (c.category.position, c.category.name, c.title))
        context["by_category"] = [
            (category, list(group)) for category, group in groupby(by_category, key=lambda c: c.category)
        ]
        return context


class ConditionDetailView(DetailView):
    template_name = "conditions/condition_detail.html"

    def get_queryset(self):
        return Condition.objects.visible_to(self.request.user).with_content()
