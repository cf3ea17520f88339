# The time of a confirmed request moves into its appointment (0007); the request's own time goes in 0008.
# Three migrations, so that each runs in a transaction of its own on PostgreSQL (a table with rows changed in a
# transaction cannot be altered in it), and migrating back restores the constraint only once the times are back.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0005_appointment_messages'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='bookingrequest',
            name='booking_request_booked_has_time_and_physio',
        ),
    ]
