"""The newsroom's roles as Django groups, and the permissions each holds.

Core names the roles; each app says what its models let each role do, on its AppConfig
(`role_permissions`), so that core, below every app, names none of their models.

`sync_roles()` is idempotent: the data migration `releases.0003_editorial_roles` creates
the groups with it, and every `migrate` runs it again (post_migrate) so that permissions of
models added later reach the groups too.

- Press officer: drafts and edits releases, attaches media, quotes and contacts, submits
  for review; cannot publish, schedule or withdraw.
- Editor: all that, plus `releases.publish_pressrelease` (approve, publish, schedule,
  withdraw) and the agency profile, contacts, visits and funding data; reads and handles
  the readers' content reports.
- Administrator: all that, plus users and groups, their authenticator apps and lockouts.
"""

# Group names are stored, so they stay fixed; both languages so that either reader knows them.
PRESS_OFFICER = "Kommunikatör (press officer)"
EDITOR = "Redaktör (editor)"
ADMINISTRATOR = "Administratör (administrator)"

# Roles from the least to the most: each holds the permissions of the ones before it.
ROLES = [PRESS_OFFICER, EDITOR, ADMINISTRATOR]

# Core's own models, and users and groups; every other app declares the permissions its
# models give each role on its AppConfig, as `role_permissions` (see `declared()`).
CORE_ROLE_PERMISSIONS = {
    PRESS_OFFICER: {"core.agency": ["view"]},
    EDITOR: {
        "core.agency": ["change"],
        # "Report this content" lands here for the editors to read and handle (issue 4).
        "core.contentreport": ["view", "change"],
    },
    ADMINISTRATOR: {
        "auth.user": ["add", "change", "delete", "view"],
        "auth.group": ["add", "change", "delete", "view"],
        # Authenticator apps (django-otp): enrol one for a colleague (with its QR code), or
        # remove a lost one.
        "otp_totp.totpdevice": ["add", "change", "delete", "view"],
        # Failed logins (django-axes): see them, and unlock an account by deleting its
        # attempts.
        "axes.accessattempt": ["view", "delete"],
        "axes.accessfailurelog": ["view"],
        "axes.accesslog": ["view"],
    },
}


def declared(app_configs=None):
    """Each role's permissions, {role: {"app.model": [actions]}}, gathered from the apps'
    `role_permissions` (a role holds what is declared for it and for the roles before it)."""
    if app_configs is None:
        from django.apps import apps

        app_configs = apps.get_app_configs()
    granted = {role: {} for role in ROLES}
    declarations = [getattr(config, "role_permissions", {}) for config in app_configs]
    for rank, role in enumerate(ROLES):
        for declaration in declarations:
            for lower in ROLES[: rank + 1]:
                for model, actions in declaration.get(lower, {}).items():
                    granted[role].setdefault(model, []).extend(actions)
    return granted


def codename(model_label, action):
    app_label, model = model_label.split(".")
    return app_label, f"{action}_{model}"


def sync_roles(using="default", apps=None):
    """Create or update the role groups with exactly their permissions.

    `apps` is a migration's app registry when a data migration calls it; the declarations
    are read from the installed apps all the same.
    """
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    permissions = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    for role, model_actions in declared().items():
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
