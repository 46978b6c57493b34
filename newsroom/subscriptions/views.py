"""Public pages: subscribe, confirm, manage, download, unsubscribe (one click), privacy.

Views stay thin: forms validate, services change state. The pages never say whether an
address was already subscribed.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from newsroom.core.web import client_key

from . import services
from .forms import CONSENT_TEXT, SubscribeForm, TopicsForm
from .models import Subscriber
from .tokens import InvalidLink, make_token, read_token


def _rate_limited(request, address=None):
    """Count this attempt per IP and per address; True when either is over its limit."""
    limited = is_ratelimited(
        request,
        group="subscriptions.ip",
        key=client_key,
        rate=settings.SUBSCRIPTIONS_RATE_PER_IP,
        increment=True,
    )
    if address:
        limited |= is_ratelimited(
            request,
            group="subscriptions.address",
            key=lambda group, request: services.normalise_email(address),
            rate=settings.SUBSCRIPTIONS_RATE_PER_ADDRESS,
            increment=True,
        )
    return limited


def _too_many(request):
    return render(request, "subscriptions/rate_limited.html", status=429)


def _invalid_link(request, error):
    return render(
        request, "subscriptions/link_invalid.html", {"expired": error.expired}, status=400
    )


@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if _rate_limited(request, request.POST.get("email")):
            return _too_many(request)
        if form.is_valid():
            try:
                services.subscriber_request(
                    email=form.cleaned_data["email"],
                    consent_text=str(CONSENT_TEXT),
                    preferences=form.preferences(),
                )
            except ValidationError:
                # What the form let through but the model refuses: the form again, not a 500.
                form.add_error("email", form.fields["email"].error_messages["invalid"])
            else:
                return redirect("subscriptions:sent")
        status = 400
    else:
        form = SubscribeForm(
            initial={"language": translation.get_language(), "email": request.GET.get("email")}
        )
        status = 200
    return render(request, "subscriptions/subscribe.html", {"form": form}, status=status)


def sent(request):
    return render(request, "subscriptions/sent.html")


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    # GET only shows a button: link scanners in mail systems follow links, people press
    # buttons, and only a person's POST confirms.
    try:
        subscriber = read_token(token, "confirm")
        if subscriber.status not in (Subscriber.Status.PENDING, Subscriber.Status.ACTIVE):
            # An old confirmation link must not undo a later unsubscribe.
            raise InvalidLink()
    except InvalidLink as error:
        return _invalid_link(request, error)
    if request.method == "POST":
        subscriber = services.subscriber_confirm(subscriber=subscriber)
        return redirect("subscriptions:manage", token=make_token(subscriber, "manage"))
    return render(request, "subscriptions/confirm.html", {"subscriber": subscriber})


@require_http_methods(["GET", "POST"])
def manage(request, token):
    try:
        subscriber = read_token(token, "manage")
    except InvalidLink as error:
        return _invalid_link(request, error)
    status = 200
    if request.method == "POST":
        form = TopicsForm(request.POST, initial=TopicsForm.initial_for(subscriber))
        if form.is_valid():
            services.subscriber_update(subscriber=subscriber, preferences=form.preferences())
            messages.success(request, _("Your choices are saved."))
            return redirect(reverse("subscriptions:manage", kwargs={"token": token}))
        status = 400
    else:
        form = TopicsForm(initial=TopicsForm.initial_for(subscriber))
    context = {
        "form": form,
        "subscriber": subscriber,
        "token": token,
        "unsubscribe_token": make_token(subscriber, "unsubscribe"),
    }
    return render(request, "subscriptions/manage.html", context, status=status)


def download(request, token):
    try:
        subscriber = read_token(token, "manage")
    except InvalidLink as error:
        return _invalid_link(request, error)
    data = services.subscriber_export(subscriber=subscriber)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-subscription.json"'
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """RFC 8058: a POST (the mail client's one click) unsubscribes at once, without a CSRF
    token and without a confirmation page; a GET shows a page with a button."""
    try:
        subscriber = read_token(token, "unsubscribe")
    except InvalidLink as error:
        return _invalid_link(request, error)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        return render(
            request,
            "subscriptions/unsubscribed.html",
            {"erase_after_days": settings.SUBSCRIPTIONS_ERASE_AFTER_DAYS},
        )
    return render(
        request, "subscriptions/unsubscribe.html", {"subscriber": subscriber, "token": token}
    )


def privacy(request):
    return render(
        request,
        "subscriptions/privacy.html",
        {
            "erase_after_days": settings.SUBSCRIPTIONS_ERASE_AFTER_DAYS,
            "consent_text": CONSENT_TEXT,
            "consent_version": settings.SUBSCRIPTIONS_CONSENT_VERSION,
        },
    )
