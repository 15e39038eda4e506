"""Names of the publishing workflows and their tasks, in the reader's language.

Wagtail keeps a workflow's and a task's name as data (``Workflow.name``, ``Task.name``) and
prints it wherever it likes: the page editor's "Submit to …" button, the status panel, the
workflow history, the moderation emails. The portal makes those rows itself (one workflow and
one approval task per housing bureau, ``cms.services``; Wagtail's migrations add "Moderators
approval"), so it knows their names:

* they are **stored in Chinese**, the portal's language (``settings.LANGUAGE_CODE``): what a
  database report, a log line or anything reading the raw column shows;
* they are **read in the active language**: when a model instance is loaded its ``name``
  becomes a :class:`LocalName`, a ``str`` whose value is the stored name and which renders
  (``str()``, ``%s``, f-strings, templates, ``mark_safe``) in the language active at that
  moment — the request's in a page, the recipient's in a Wagtail email;
* whatever language a name was saved in (an English admin re-saving a workflow), it is stored
  back in Chinese (``pre_save``).

A name the portal did not make (typed in the admin) is left exactly as typed.
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.db.models.signals import post_init, post_save, pre_save
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import pgettext_lazy

ORG = "%(org)s"

# Each kind of name the portal makes: (English msgid through the catalogue, legacy stored forms).
NAMES = {
    # The bureau's workflow; Wagtail shows it as "Submit to <name>" ("提交给<name>").
    "workflow": (
        pgettext_lazy("workflow name; Wagtail shows “Submit to <name>”", "%(org)s approval"),
        ("Notice publishing · %(org)s",),
    ),
    # Its one task: the bureau's approvers review the page.
    "task": (
        pgettext_lazy("workflow task name", "Review by %(org)s"),
        ("Bureau approval · %(org)s",),
    ),
    # Wagtail's default workflow and task (its migrations make them for the root page).
    "moderators": (pgettext_lazy("workflow name", "Moderators approval"), ()),
}


def _pattern(text: str) -> re.Pattern:
    parts = [re.escape(p) for p in text.split(ORG)]
    return (
        re.compile("^" + "(?P<org>.+?)".join(parts) + "$")
        if len(parts) > 1
        else re.compile("^" + parts[0] + "$")
    )


@cache
def _patterns(language: str) -> list[tuple[str, re.Pattern]]:
    """(kind, pattern) for every kind of name, in ``language`` and in its legacy forms."""
    out = []
    for kind, (msgid, legacy) in NAMES.items():
        with translation.override(language):
            out.append((kind, _pattern(str(msgid))))
        out += [(kind, _pattern(text)) for text in legacy]
    return out


def parse(value: str) -> tuple[str, str] | None:
    """(kind, organisation name) of a name the portal made, in any language; else None.

    A name with an organisation in it counts only if that organisation exists (so a workflow
    someone typed as "物业公告审批" is not taken for the approval of an "物业公告")."""
    from portal.organisations.models import Organisation

    languages = [settings.LANGUAGE_CODE] + [c for c, _n in settings.LANGUAGES]
    for language in dict.fromkeys(languages):
        for kind, pattern in _patterns(language):
            m = pattern.match(value)
            if not m:
                continue
            org = m.groupdict().get("org")
            if org is None:
                return kind, ""
            if Organisation.objects.filter(name=org).exists():
                return kind, org
    return None


def render(kind: str, org: str = "", language: str | None = None) -> str:
    """The name of ``kind`` for organisation ``org`` in ``language`` (default: the active)."""
    msgid = NAMES[kind][0]
    with translation.override(language or translation.get_language()):
        text = str(msgid)
    return text.replace(ORG, org) if ORG in text else text


def stored(kind: str, org: str = "") -> str:
    """The name as stored: in the portal's language."""
    return render(kind, org, settings.LANGUAGE_CODE)


def all_forms(kind: str, org: str = "") -> list[str]:
    """Every form a name of ``kind`` may have been stored under (to find existing rows)."""
    msgid, legacy = NAMES[kind]
    forms = [render(kind, org, code) for code, _n in settings.LANGUAGES]
    forms += [text.replace(ORG, org) for text in legacy]
    return list(dict.fromkeys([stored(kind, org), *forms]))


class LocalName(str):
    """A stored name that reads in the active language. Its ``str`` value is the stored name
    (what is saved, compared, sliced or sent as JSON); rendering it gives the local one."""

    def __new__(cls, value: str, kind: str, org: str):
        obj = super().__new__(cls, value)
        obj.kind, obj.org = kind, org
        return obj

    def local(self) -> str:
        return render(self.kind, self.org)

    def __str__(self) -> str:
        return self.local()

    def __format__(self, spec: str) -> str:
        return format(self.local(), spec)

    def __html__(self) -> str:
        return escape(self.local())

    def __reduce__(self):
        return (local_name, (str.__str__(self),))


def local_name(value):
    """``value`` as a :class:`LocalName` when the portal made it, else unchanged."""
    if not isinstance(value, str) or isinstance(value, LocalName):
        return value
    found = parse(value)
    return LocalName(value, *found) if found else value


def _on_init(sender, instance, **kwargs):
    name = instance.__dict__.get("name")
    if name:
        instance.__dict__["name"] = local_name(name)


def _on_save(sender, instance, **kwargs):
    name = instance.__dict__.get("name")
    if isinstance(name, str):
        found = parse(str.__str__(name))
        if found:
            instance.name = stored(*found)  # a plain str for the database


def _on_saved(sender, instance, **kwargs):
    _on_init(sender, instance)


def connect() -> None:
    """Install the behaviour on Wagtail's workflow and task models (``CmsConfig.ready``)."""
    from wagtail.models import Task, Workflow
    from wagtail.workflows import get_task_types

    for model in {Workflow, Task, *get_task_types()}:
        post_init.connect(_on_init, sender=model, dispatch_uid=f"cms.names.init.{model.__name__}")
        pre_save.connect(_on_save, sender=model, dispatch_uid=f"cms.names.save.{model.__name__}")
        post_save.connect(_on_saved, sender=model, dispatch_uid=f"cms.names.saved.{model.__name__}")
