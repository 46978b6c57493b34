"""The newsroom's roles as Django groups, and the permissions each holds.

`sync_roles()` is idempotent: the data migration `releases.0003_editorial_roles` creates
the groups with it, and every `migrate` runs it again (post_migrate) so that permissions of
models added later reach the groups too.

- Press officer: drafts and edits releases, attaches media, quotes and contacts, submits
  for review; cannot publish, schedule or withdraw.
- Editor: all that, plus `releases.publish_pressrelease` (approve, publish, schedule,
  withdraw) and the agency profile, contacts, visits and funding data; reads and handles
  the readers' content reports.
- Administrator: all that, plus users and groups.
"""

# Group names are stored, so they stay fixed; both languages so that either reader knows them.
PRESS_OFFICER = "Kommunikatör (press officer)"
EDITOR = "Redaktör (editor)"
ADMINISTRATOR = "Administratör (administrator)"

_CONTENT = {
    "releases.pressrelease": ["add", "change", "view"],
    "releases.quote": ["add", "change", "delete", "view"],
    "releases.releasecontact": ["add", "change", "delete", "view"],
    "releases.releaseimage": ["add", "change", "delete", "view"],
    "mediabank.image": ["add", "change", "view"],
    "mediabank.document": ["add", "change", "view"],
    "contacts.presscontact": ["view"],
    "municipalities.agencyvisit": ["view"],
    "municipalities.fundinground": ["view"],
    "municipalities.grant": ["view"],
    "municipalities.municipality": ["view"],
    "municipalities.county": ["view"],
    "taggit.tag": ["add", "view"],
    "core.agency": ["view"],
}
_EDITOR_EXTRA = {
    "releases.pressrelease": ["delete", "publish"],
    "mediabank.image": ["delete"],
    "mediabank.document": ["delete"],
    "contacts.presscontact": ["add", "change", "delete"],
    "municipalities.agencyvisit": ["add", "change", "delete"],
    "municipalities.fundinground": ["add", "change", "delete"],
    "municipalities.grant": ["add", "change", "delete"],
    "taggit.tag": ["change", "delete"],
    "core.agency": ["change"],
    # "Report this content" lands here for the editors to read and handle (issue 4).
    "core.contentreport": ["view", "change"],
    # Subscribers are personal data: editors handle them (erase on request, unsubscribe),
    # read the delivery records and retry failed emails; press officers never see them.
    "subscriptions.subscriber": ["view", "change", "delete"],
    "subscriptions.subscriberkind": ["view", "add", "change", "delete"],
    "subscriptions.delivery": ["view", "change"],
    "subscriptions.digest": ["view", "change"],
    "subscriptions.announcement": ["view"],
}
_ADMIN_EXTRA = {
    "auth.user": ["add", "change", "delete", "view"],
    "auth.group": ["add", "change", "delete", "view"],
}


def _merge(*maps):
    merged = {}
    for mapping in maps:
        for model, actions in mapping.items():
            merged.setdefault(model, []).extend(actions)
    return merged


ROLE_PERMISSIONS = {
    PRESS_OFFICER: _CONTENT,
    EDITOR: _merge(_CONTENT, _EDITOR_EXTRA),
    ADMINISTRATOR: _merge(_CONTENT, _EDITOR_EXTRA, _ADMIN_EXTRA),
}


def codename(model_label, action):
    app_label, model = model_label.split(".")
    return app_label, f"{action}_{model}"


def sync_roles(using="default", apps=None):
    """Create or update the role groups with exactly their permissions.

    `apps` is a migration's app registry when a data migration calls it.
    """
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    permissions = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    for role, model_actions in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = [
            permissions[codename(model_label, action)]
            for model_label, actions in model_actions.items()
            for action in actions
            if codename(model_label, action) in permissions
        ]
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, using="default", **kwargs):
    # Permissions of every app must exist before the groups can hold them.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(using=using)
