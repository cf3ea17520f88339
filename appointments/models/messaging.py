"""The SMS and WhatsApp texts, stored exactly as registered with DLT and Meta: both drop a message that differs."""

import re

from django.core.exceptions import ValidationError
from django.db import models


class MessageChannel(models.TextChoices):
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"


# DLT writes a variable as {#var#}; Meta numbers them {{1}}, {{2}}…
DLT_VARIABLE = re.compile(r"\{#var#\}")
META_VARIABLE = re.compile(r"\{\{(\d+)\}\}")


class MessageTemplate(models.Model):
    """One registered text for one kind of message, channel and language."""

    class Kind(models.TextChoices):
        PATIENT_ACKNOWLEDGEMENT = "patient_ack", "Patient acknowledgement"
        APPOINTMENT_BOOKED = "appt_booked", "Appointment booked"
        APPOINTMENT_MOVED = "appt_moved", "Appointment moved"
        APPOINTMENT_CANCELLED = "appt_cancelled", "Appointment cancelled"
        REMINDER_24H = "reminder_24h", "Reminder a day before"
        REMINDER_2H = "reminder_2h", "Reminder two hours before"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        HINDI = "hi", "Hindi"

    Channel = MessageChannel

    channel = models.CharField(max_length=8, choices=MessageChannel.choices, help_text="SMS or WhatsApp.")
    kind = models.CharField(max_length=16, choices=Kind.choices, help_text="Which message this text is for.")
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    text = models.TextField(
        help_text="Exactly as registered, character for character: DLT (SMS) and Meta (WhatsApp) drop a message "
        "that differs. Variables: {#var#} for SMS, {{1}}, {{2}}… for WhatsApp."
    )
    provider_template_id = models.CharField(
        max_length=100, help_text="The DLT template id (SMS) or the Meta template name (WhatsApp)."
    )
    is_active = models.BooleanField(default=True, help_text="Untick to stop sending this text.")

    class Meta:
        ordering = ["channel", "kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "kind", "language"], name="message_template_unique"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()}: {self.get_kind_display()} ({self.language})"

    @property
    def variable_count(self) -> int:
        if self.channel == MessageChannel.SMS:
            return len(DLT_VARIABLE.findall(self.text))
        return len(set(META_VARIABLE.findall(self.text)))

    def render(self, params) -> str:
        """The registered text with the variables filled in order; ValueError when the count differs."""
        params = [str(param) for param in params]
        if len(params) != self.variable_count:
            raise ValueError(f"{self} takes {self.variable_count} values, not {len(params)}")
        if self.channel == MessageChannel.SMS:
            values = iter(params)
            return DLT_VARIABLE.sub(lambda match: next(values), self.text)
        return META_VARIABLE.sub(lambda match: params[int(match.group(1)) - 1], self.text)

    def clean(self):
        numbers = sorted({int(number) for number in META_VARIABLE.findall(self.text)})
        if self.channel == MessageChannel.SMS and numbers:
            raise ValidationError({"text": "SMS (DLT) variables are written {#var#}, not {{1}}."})
        if self.channel == MessageChannel.WHATSAPP and DLT_VARIABLE.search(self.text):
            raise ValidationError({"text": "WhatsApp variables are written {{1}}, {{2}}…, not {#var#}."})
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValidationError({"text": "WhatsApp variables are numbered from {{1}} without gaps."})
