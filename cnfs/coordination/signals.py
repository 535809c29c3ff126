"""What coordination announces, for the apps that follow it (notifications).

Sent inside the service's transaction: a listener that writes commits with the decision."""

from django.dispatch import Signal

#: A coordinator invited an advisor (``link``): the advisor's structure answers.
link_invited = Signal()
#: The advisor's structure accepted or declined (``link``, ``accepted``).
link_answered = Signal()
#: A structure declared its membership of a network (``membership``).
membership_declared = Signal()
#: The network confirmed or refused it (``membership``, ``accepted``).
membership_answered = Signal()
