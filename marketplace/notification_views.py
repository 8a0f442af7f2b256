"""The bell: a user's notifications, newest first; opening the list marks them read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from marketplace.models import Notification
from marketplace.notifications import notifications_mark_read

NOTIFICATIONS_SHOWN = 50


@login_required
def notification_list(request):
    # Read first, then mark: the page highlights what was unread when it was opened.
    notifications = list(
        Notification.objects.filter(user=request.user).order_by("-created_at", "-id")[:NOTIFICATIONS_SHOWN]
    )
    if any(notification.read_at is None for notification in notifications):
        notifications_mark_read(user=request.user)
    return render(request, "marketplace/notification_list.html", {"notifications": notifications})
