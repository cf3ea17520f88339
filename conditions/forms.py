from django import forms

from .search import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search conditions",
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "true"}),
    )

    def clean_q(self):
        """Spaces collapsed; a very long query is cut, not refused, so the patient still gets results."""
        query = " ".join(self.cleaned_data["q"].split())
        self.shortened = len(query) > MAX_QUERY_LENGTH
        return query[:MAX_QUERY_LENGTH]
