from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0007_requests_into_appointments'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='bookingrequest',
            name='appointment_at',
        ),
        migrations.RemoveField(
            model_name='bookingrequest',
            name='physiotherapist',
        ),
    ]
