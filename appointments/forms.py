"""The booking request form: every check a patient's input needs, each with its own message."""

import secrets
from datetime import timedelta

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Exists
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import format_html

from clinic.models import Physiotherapist
from conditions.models import Condition
from web.fields import OneLineField, without_controls

from .models import PATIENT_FIELDS, REQUEST_FIELDS, VISIT_FIELDS, BookingRequest, BookingWindow, VisitType
from .notifications import configured_channels
from .schedule import day_schedule, windows_open_on

OTHER_CONDITION = "other"
PHONE_EXAMPLE = "e.g. 98765 43210"
MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
STARTED_SALT = "appointments.booking-form"
BROWSER_SALT = "appointments.booking-browser"
TOO_FAST = "That was quicker than we expected. Please check your details and press Send again."


def required(message: str) -> dict:
    return {"required": message}


def stamp_signer():
    return signing.TimestampSigner(salt=STARTED_SALT)


def new_form_stamp(browser: str) -> str:
    """A signed one-time token with the time the form was shown and the browser it was shown to: one request per
    token, not filled too fast, and its confirmation shown only to that browser."""
    return stamp_signer().sign(f"{secrets.token_urlsafe(24)}.{browser}")


def browser_mark(request) -> str:
    """Names this browser without saying anything about it: a keyed hash of its CSRF cookie's secret. A form
    replayed from another browser carries another browser's mark (and CSRF protection stops a forged cookie)."""
    get_token(request)  # gives a first-time visitor the cookie
    return salted_hmac(BROWSER_SALT, request.META["CSRF_COOKIE"]).hexdigest()[:20]


def indian_mobile_e164(value: str) -> str:
    """'98765 43210', '+91 98765 43210' or '098765 43210' → '+919876543210'; a clear ValidationError otherwise."""
    if any(char.isalpha() for char in value):
        # The library reads letters as keypad digits ("CALL" is 2255); a patient typing letters made a mistake.
        raise forms.ValidationError("Please use digits only: a phone number has no letters.", code="letters")
    try:
        number = phonenumbers.parse(value, "IN")
    except phonenumbers.NumberParseException:
        raise forms.ValidationError(
            f"Please enter a 10-digit Indian mobile number, {PHONE_EXAMPLE}.", code="unreadable"
        ) from None
    if number.country_code != 91:
        raise forms.ValidationError(
            f"We can only call Indian mobile numbers (+91). Please give one, {PHONE_EXAMPLE}.", code="foreign"
        )
    digits = len(phonenumbers.national_significant_number(number))
    if digits != 10:
        raise forms.ValidationError(
            f"That number has {digits} digits; an Indian mobile number has 10, {PHONE_EXAMPLE}.", code="length"
        )
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            f"That isn't a valid Indian mobile number. Please check it, {PHONE_EXAMPLE}.", code="invalid"
        )
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise forms.ValidationError(
            f"That looks like a landline. Please give a mobile number so we can call you back, {PHONE_EXAMPLE}.",
            code="landline",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class BookingRequestForm(forms.ModelForm):
    """Builds an unsaved BookingRequest from what the patient typed; booking_request_create() saves it.

    The model gives the fields their lengths and choices; fields declared here are the ones patients meet in
    another shape (radio buttons, a phone number as typed, a condition by its page, the red flags as ticks).
    """

    booking_for = forms.ChoiceField(
        label="Who is the appointment for?",
        choices=BookingRequest.BookingFor.choices,
        widget=forms.RadioSelect,
        error_messages=required("Please choose who the appointment is for."),
    )
    # What patients type ("+91 98765 43210") is longer than the E.164 number stored.
    phone = forms.CharField(
        label="Mobile number",
        max_length=25,
        help_text=f"An Indian mobile number, {PHONE_EXAMPLE}. We'll call you on it.",
        widget=forms.TextInput({"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages=required("Please enter a mobile number we can call."),
    )
    condition = forms.ChoiceField(
        label="Condition or concern", error_messages=required("Please choose a condition, or 'Other / not sure'.")
    )
    visit_type = forms.ChoiceField(
        label="Have you been to DMPhysios before?",
        choices=[
            (BookingRequest.VisitType.NEW, "No, I'm a new patient"),
            (BookingRequest.VisitType.FOLLOW_UP, "Yes, this is a follow-up"),
        ],
        widget=forms.RadioSelect,
        error_messages=required("Please tell us if you are a new patient or coming for a follow-up."),
    )
    preferred_time = forms.ChoiceField(
        label="Preferred time of day (IST)",
        widget=forms.RadioSelect,
        error_messages=required("Please choose a time of day."),
    )
    red_flags = forms.MultipleChoiceField(
        label="Do you have any of these now? Tick any that apply.",
        choices=BookingRequest.RedFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple({"data-red-flag": ""}),
        help_text="If you tick any of these, please seek emergency care now. We'll still record your request.",
    )
    # Offered only for the channels with a provider set up; e-mail goes when the patient gives an address.
    message_channels = forms.MultipleChoiceField(
        label="Would you also like messages on your mobile?",
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Your confirmation and a reminder before the visit. Reply STOP at any time to end them.",
    )
    consent = forms.BooleanField(
        error_messages=required(
            "Please tick the consent box to agree to the privacy notice: we need it to use your details and call you."
        ),
    )
    # Honeypot: hidden from people (and from screen readers), filled in by bots that fill in everything.
    website = forms.CharField(
        label="Leave this empty", required=False, widget=forms.TextInput({"tabindex": "-1", "autocomplete": "off"})
    )
    started = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = BookingRequest
        fields = (*REQUEST_FIELDS, "message_channels")
        field_classes = {"full_name": OneLineField, "patient_name": OneLineField}
        labels = {
            "full_name": "Your full name",
            "patient_name": "Patient's full name",
            "relationship": "Your relationship to the patient",
            "patient_is_minor": "The patient is under 18",
            "email": "E-mail (optional)",
            "preferred_date": "Preferred date",
            "message": "Anything we should know? (optional)",
        }
        help_texts = {
            "full_name": "",
            "patient_name": "Only if it is for someone else.",
            "relationship": "Only if it is for someone else.",
            "patient_is_minor": "A patient under 18 is booked by a parent or guardian, who gives the consent below.",
            "email": "Only if you'd like an e-mail confirmation.",
            "message": "A line or two about the problem. Please don't include detailed medical history; "
            "we'll go through it with you in person.",
        }
        widgets = {
            "full_name": forms.TextInput({"autocomplete": "name"}),
            "email": forms.EmailInput({"autocomplete": "email"}),
            "preferred_date": forms.DateInput({"type": "date"}),
            "message": forms.Textarea({"rows": 3}),
        }
        error_messages = {
            "full_name": required("Please enter your full name."),
            "preferred_date": {
                "required": "Please choose the day you'd like to come.",
                "invalid": "Please enter a date, e.g. 3 December 2026.",
            },
        }

    def __init__(self, *args, browser: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.browser = browser
        self.windows = list(BookingWindow.objects.all())
        self.fields["relationship"].choices = [("", "Choose…"), *BookingRequest.Relationship.choices]
        self.fields["condition"].choices = self.condition_choices()
        self.set_up_time_fields()
        self.fields["consent"].label = format_html(
            'I have read the <a href="{}">privacy notice</a> and agree to DMPhysios using these details '
            "to arrange this appointment.",
            reverse("privacy-notice"),
        )
        self.helper = self.build_helper()

    def set_up_time_fields(self):
        self.fields["preferred_time"].choices = [(w.time_of_day, str(w)) for w in self.windows]
        self.fields["message_channels"].choices = self.channel_choices()
        today = timezone.localdate()
        self.fields["preferred_date"].widget.attrs.update(min=today.isoformat(), max=self.last_date().isoformat())
        horizon = settings.BOOKING_HORIZON_DAYS
        self.fields[
            "preferred_date"
        ].help_text = (
            f"Up to {horizon} days ahead, on a day we're open (our opening hours are at the foot of the page)."
        )

    @staticmethod
    def condition_choices():
        published = Condition.objects.published().values_list("slug", "title")
        return [("", "Choose…"), *published, (OTHER_CONDITION, "Other / not sure")]

    @staticmethod
    def last_date():
        return timezone.localdate() + timedelta(days=settings.BOOKING_HORIZON_DAYS)

    @staticmethod
    def channel_choices():
        labels = {"sms": "Text message (SMS)", "whatsapp": "WhatsApp"}
        return [(channel, labels[channel]) for channel in configured_channels() if channel in labels]

    def build_helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the template's <form> carries the one token
        helper.template = "appointments/includes/bookingrequest_form_fields.html"
        texts = ["message_channels"] if self.fields["message_channels"].choices else []
        helper.layout = Layout(
            Fieldset("About you", *PATIENT_FIELDS, *texts),
            Fieldset("Your visit", *VISIT_FIELDS),
            Fieldset(
                "Before you send: safety questions",
                "red_flags",
                HTML('{% include "appointments/includes/emergency_advice.html" with live=True %}'),
            ),
            Fieldset("Your consent", HTML('{% include "appointments/includes/privacy_summary.html" %}'), "consent"),
            Div("website", css_class="booking-hp", aria_hidden="true"),
            "started",
        )
        return helper

    def clean_full_name(self):
        name = self.cleaned_data["full_name"]
        if len(name) < 2 or not any(char.isalpha() for char in name):
            raise forms.ValidationError("Please enter your full name, e.g. Priya Sharma.")
        return name

    def clean_patient_name(self):
        name = self.cleaned_data["patient_name"]
        if name and (len(name) < 2 or not any(char.isalpha() for char in name)):
            raise forms.ValidationError("Please enter the patient's full name, e.g. Asha Sharma.")
        return name

    def clean_message(self):
        return without_controls(self.cleaned_data["message"])

    def clean_condition(self):
        slug = self.cleaned_data["condition"]
        return None if slug == OTHER_CONDITION else Condition.objects.published().filter(slug=slug).first()

    def clean_phone(self):
        return indian_mobile_e164(self.cleaned_data["phone"])

    def clean_message_channels(self):
        """What the patient agreed to with their consent: e-mail when they gave an address, and the ticks."""
        self.instance.language = (translation.get_language() or "en").split("-")[0]
        email = ["email"] if self.cleaned_data.get("email") else []
        return email + self.cleaned_data["message_channels"]

    def clean_preferred_date(self):
        day = self.cleaned_data["preferred_date"]
        if day < timezone.localdate():
            raise forms.ValidationError("That date has passed. Please choose today or a later date.")
        if day > self.last_date():
            raise forms.ValidationError(
                f"We take requests up to {settings.BOOKING_HORIZON_DAYS} days ahead. "
                f"Please choose a date on or before {self.last_date():%-d %B %Y}."
            )
        closure, self.open_periods = day_schedule(day)
        if closure:
            reason = f" ({closure.reason})" if closure.reason else ""
            raise forms.ValidationError(f"The clinic is closed on {day:%-d %B %Y}{reason}. Please choose another day.")
        if not self.open_periods:
            raise forms.ValidationError(f"The clinic is closed on {day:%A}s. Please choose another day.")
        return day

    def clean_started(self):
        stamp = self.cleaned_data["started"]
        try:
            stamp_signer().unsign(stamp, max_age=settings.BOOKING_FORM_MAX_AGE_SECONDS)
        except signing.BadSignature:
            # Hidden fields show no errors of their own: say it at the top of the form.
            self.add_error(
                None,
                forms.ValidationError(
                    "This form was open too long. Please check your details and press Send again.", code="expired"
                ),
            )
        return stamp

    def clean(self):
        cleaned = super().clean()
        self.check_patient(cleaned)
        self.check_time_of_day(cleaned)
        if "started" in cleaned and not self.has_error(NON_FIELD_ERRORS, "expired") and self.is_too_fast():
            # The stamp is kept: once a person's time has passed, pressing Send again works.
            self.add_error(None, forms.ValidationError(TOO_FAST, code="too_fast"))
        return cleaned

    def check_patient(self, cleaned):
        if cleaned.get("booking_for") == BookingRequest.BookingFor.MYSELF:
            if cleaned.get("patient_is_minor"):
                self.add_error(
                    "patient_is_minor",
                    "A patient under 18 is booked by a parent or guardian: choose 'Someone else' "
                    "and give your relationship.",
                )
            cleaned["patient_name"], cleaned["relationship"] = "", ""
        elif cleaned.get("booking_for") == BookingRequest.BookingFor.SOMEONE_ELSE:
            if not cleaned.get("patient_name"):
                self.add_error("patient_name", "Please give the patient's full name.")
            if not cleaned.get("relationship"):
                self.add_error("relationship", "Please choose your relationship to the patient.")
            elif (
                cleaned.get("patient_is_minor")
                and cleaned["relationship"] != BookingRequest.Relationship.PARENT_GUARDIAN
            ):
                self.add_error(
                    "relationship",
                    "A patient under 18 must be booked by a parent or guardian. Please ask them to send the request.",
                )

    def check_time_of_day(self, cleaned):
        day, chosen = cleaned.get("preferred_date"), cleaned.get("preferred_time")
        if not day or not chosen:
            return
        offered = windows_open_on(day, self.windows, self.open_periods)
        if chosen in (w.time_of_day for w in offered):
            return
        if offered:
            names = " or ".join(w.get_time_of_day_display().lower() for w in offered)
            self.add_error("preferred_time", f"On {day:%A %-d %B} we can see you in the {names}. Please choose one.")
        else:
            self.add_error("preferred_date", "There's no time left to see you that day. Please choose a later date.")

    @property
    def form_token(self) -> str:
        return self.cleaned_data["started"].split(":")[0].partition(".")[0]

    def sent_from_this_browser(self) -> bool:
        """True when the form was shown to the browser sending it, not replayed from another one."""
        shown_to = self.cleaned_data["started"].split(":")[0].partition(".")[2]
        return constant_time_compare(shown_to, self.browser)

    @property
    def is_bot(self) -> bool:
        """The honeypot, hidden from people and screen readers, came back filled in."""
        return self.is_bound and bool(self.data.get("website"))

    def is_too_fast(self) -> bool:
        """True when the form came back sooner than a person could fill it."""
        if settings.BOOKING_MIN_FILL_SECONDS <= 0:
            return False
        try:
            stamp_signer().unsign(self.cleaned_data["started"], max_age=settings.BOOKING_MIN_FILL_SECONDS)
        except signing.SignatureExpired:
            return False
        return True

    def renew_stamp_if_expired(self):
        """After an expired form, the next press of Send should work: give it a fresh stamp, keep the rest."""
        if self.has_error(NON_FIELD_ERRORS, "expired"):
            self.data = self.data.copy()
            self.data["started"] = new_form_stamp(self.browser)

    def error_links(self) -> list[tuple[str, str]]:
        """(element id, message) for the summary at the top, in page order: each error links to its field."""
        return [(self.anchor(field), error) for field in self.visible_fields() for error in field.errors]

    @staticmethod
    def anchor(field) -> str:
        # A group of radios or checkboxes has no element of its own: link to its first choice.
        grouped = isinstance(field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))
        return f"{field.auto_id}_0" if grouped else field.auto_id

    @classmethod
    def typed_answers(cls, data) -> list[tuple[str, str]]:
        """(label, value) of what was typed, for the 503 page; not the honeypot, the stamp or the consent tick."""
        answers = []
        for name, field in cls.base_fields.items():
            values = [value for value in data.getlist(name) if value.strip()]
            if name in {"website", "started", "consent"} or not values:
                continue
            choices = dict(getattr(field, "choices", None) or [])
            answers.append((field.label, ", ".join(str(choices.get(value, value)) for value in values)))
        return answers

    @property
    def has_red_flags(self) -> bool:
        return self.is_bound and bool(self.data.getlist("red_flags"))


ANYONE = "anyone"
# The red flags that need emergency care: no routine time is offered. The others need a doctor today; a time may
# still be booked, marked urgent.
EMERGENCY_FLAGS = frozenset(
    {BookingRequest.RedFlag.BLADDER_BOWEL, BookingRequest.RedFlag.SADDLE_NUMBNESS, BookingRequest.RedFlag.LEG_WEAKNESS}
)


def bookable_physiotherapists():
    """Whom a patient may choose online: those bookable (real people, on the live site) who have working hours."""
    return Physiotherapist.objects.bookable().filter(working_hours__isnull=False).distinct()


def diary_is_open() -> bool:
    """True when a patient can pick a time online: someone to see and a visit to book. One query."""
    visit_types = VisitType.objects.filter(is_active=True)
    return bookable_physiotherapists().filter(Exists(visit_types)).exists()


class AppointmentStartForm(forms.Form):
    """What the free times depend on, asked before any are shown: the safety questions first, then the kind of
    visit and whom to see. Sent by GET (it writes nothing); each later step carries its answers in its address."""

    red_flags = forms.MultipleChoiceField(
        label="Do you have any of these now? Tick any that apply.",
        choices=BookingRequest.RedFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="If none of these apply to you, leave them all unticked.",
    )
    visit = forms.ChoiceField(
        label="First visit or follow-up?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose a first assessment or a follow-up.",
            "invalid_choice": "That visit can't be booked online now: please choose again.",
        },
    )
    physio = forms.ChoiceField(
        label="Who would you like to see?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose a physiotherapist, or anyone.",
            "invalid_choice": "That physiotherapist can't be booked online now: please choose again, or anyone.",
        },
    )
    condition = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit_types = {visit.slug: visit for visit in VisitType.objects.filter(is_active=True)}
        self.physiotherapists = {str(person.pk): person for person in bookable_physiotherapists()}
        self.fields["visit"].choices = [(slug, visit_label(visit)) for slug, visit in self.visit_types.items()]
        self.fields["physio"].choices = [
            (ANYONE, "Anyone: the first free time with any of our physiotherapists"),
            *((pk, format_html("{} <span class='choice-note'>{}</span>", person.name, person.qualification))
              for pk, person in self.physiotherapists.items()),
        ]  # fmt: skip
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form: nothing to protect
        self.helper.template = "appointments/includes/bookingrequest_form_fields.html"
        self.helper.layout = Layout(
            Fieldset(
                "Safety questions first",
                "red_flags",
                HTML('{% include "appointments/includes/emergency_advice.html" with live=True no_times=True %}'),
                HTML('{% include "appointments/includes/appointment_urgent_advice.html" with live=True %}'),
            ),
            Fieldset("Your visit", "visit", "physio"),
            "condition",
        )

    def clean_visit(self):
        return self.visit_types[self.cleaned_data["visit"]]

    def clean_physio(self):
        return self.physiotherapists.get(self.cleaned_data["physio"])  # None: anyone

    def clean_condition(self):
        slug = self.cleaned_data["condition"]
        return slug if slug and Condition.objects.published().filter(slug=slug).exists() else ""

    @property
    def flags(self) -> list[str]:
        return self.cleaned_data.get("red_flags", []) if hasattr(self, "cleaned_data") else []

    @property
    def emergency(self) -> bool:
        return bool(EMERGENCY_FLAGS.intersection(self.flags))

    @property
    def urgent(self) -> bool:
        return bool(self.flags) and not self.emergency

    def answers(self) -> dict:
        """The answers as the next step's address carries them (a valid form's)."""
        person = self.cleaned_data["physio"]
        return {
            "condition": self.cleaned_data["condition"],
            "red_flags": self.flags,
            "visit": self.cleaned_data["visit"].slug,
            "physio": person.pk if person else ANYONE,
        }

    def error_links(self) -> list[tuple[str, str]]:
        return [(BookingRequestForm.anchor(field), error) for field in self.visible_fields() for error in field.errors]


def visit_label(visit: VisitType):
    note = f"{visit.duration_minutes} minutes. {visit.description}".strip()
    return format_html("{} <span class='choice-note'>{}</span>", visit.name, note)


class AppointmentDetailsForm(BookingRequestForm):
    """The patient's details for a held time: the call-back request's form without what the hold already says
    (the day, the time and the visit type). The red flags were answered before the times: they come as data."""

    visit_type = None
    preferred_time = None
    red_flags = forms.MultipleChoiceField(
        choices=BookingRequest.RedFlag.choices, required=False, widget=forms.MultipleHiddenInput
    )

    class Meta(BookingRequestForm.Meta):
        fields = [name for name in REQUEST_FIELDS if name not in ("visit_type", "preferred_date", "preferred_time")]

    def set_up_time_fields(self):
        """Nothing to set up: the held time says when."""

    def build_helper(self):
        helper = super().build_helper()
        helper.layout = Layout(
            Fieldset("About you", *PATIENT_FIELDS),
            Fieldset("Your visit", "condition", "message"),
            Fieldset("Your consent", HTML('{% include "appointments/includes/privacy_summary.html" %}'), "consent"),
            Div("website", css_class="booking-hp", aria_hidden="true"),
            "started",
            "red_flags",
        )
        return helper
