"""jieba's dictionary is loaded when a server process starts, not on the first Chinese search
(issue 15: the first search after start took 2.9 s), and only by server processes: runserver
and gunicorn (they import ``portal.wsgi``) and django-q2's workers (``post_spawn``). Management
commands and tests do not load it until they segment text.

Each check runs in a fresh interpreter: the dictionary is process-wide state."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_web_process_loads_the_dictionary_at_start():
    """Importing the WSGI application (what runserver and gunicorn do before serving) leaves
    jieba initialised and the PDF machinery imported, before any request."""
    out = _python(
        "import portal.wsgi, sys, jieba; "
        "print(jieba.dt.initialized, 'weasyprint' in sys.modules, 'pyhanko.sign' in sys.modules)"
    )
    assert out == "True True True"


def test_web_process_hides_what_it_loaded_at_start_from_the_collector():
    """What a web process loads at start lives as long as it does: ``gc.freeze`` takes it out
    of every full collection (each walked it all, some 135 ms on every tenth or so city
    dashboard at 1.3 million units)."""
    out = _python(
        "import gc; before = gc.get_freeze_count(); import portal.wsgi; "
        "print(before == 0, gc.get_freeze_count() > 100_000)"
    )
    assert out == "True True"


def test_worker_process_loads_the_dictionary_when_spawned():
    """django-q2 sends ``post_spawn`` in each worker process as it starts: the worker then
    has the dictionary before its first task segments a page."""
    out = _python(
        "import django; django.setup(); import jieba; before = jieba.dt.initialized; "
        "from django_q.signals import post_spawn; "
        "post_spawn.send(sender='django_q', proc_name='Worker-1'); "
        "print(before, jieba.dt.initialized)"
    )
    assert out == "False True"


def test_commands_do_not_load_the_dictionary():
    """A management command that does not segment text never loads it (commands stay fast)."""
    out = _python(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', verbosity=0); import jieba, sys; "
        "print(jieba.dt.initialized, 'weasyprint' in sys.modules)"
    )
    assert out == "False False"
