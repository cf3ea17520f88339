from itertools import groupby

from django.conf import settings
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView

from web.page_cache import content_key

from .forms import SearchForm
from .models import Condition
from .search import search_conditions, suggestions


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conditions"] = Condition.objects.published().select_related("category")
        return context


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
    """The page's row first; its content (7 more queries) only when the rendered article is not cached.
    When no cached article could answer, the whole row comes at once and only the content is added to it."""

    template_name = "conditions/condition_detail.html"

    def get_queryset(self):
        conditions = Condition.objects.visible_to(self.request.user)
        return conditions.for_page() if self.article_may_be_cached() else conditions.for_article()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.article_may_be_cached():
            context["content"] = SimpleLazyObject(self.object.load_page_content)
        else:
            context["content"] = self.object.add_page_content()
        context["fragment_key"] = self.fragment_key()
        return context

    def article_may_be_cached(self):
        # Drafts and staff previews are always rendered from the database, never cached or served from it.
        return bool(settings.CONTENT_CACHE_SECONDS) and not self.request.user.is_staff

    def fragment_key(self):
        if not self.object.is_published or not self.article_may_be_cached():
            return None
        # The JSON-LD holds absolute URLs, so the host is part of the key.
        return content_key("condition-page", self.object.pk, self.request.scheme, self.request.get_host())


@require_safe
def condition_search(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = search_conditions(query) if query else []
    context = {"form": form, "query": query, "results": results}
    if not results:
        # Empty and no-result searches offer the A–Z list and, for a typo, the names it looks like.
        context["all_conditions"] = Condition.objects.published()
        context["suggestions"] = suggestions(query) if query else []
    return render(request, "conditions/condition_search.html", context)
