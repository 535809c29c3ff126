"""What the funding announces; the apps above listen (connected in their ``ready()``).

- ``payment_recorded(payment)``: a payment to a structure was recorded (sent inside the
  service's transaction).
"""

from django.dispatch import Signal

payment_recorded = Signal()
