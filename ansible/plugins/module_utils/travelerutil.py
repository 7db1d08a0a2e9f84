# -*- coding: utf-8 -*-
# Copyright: travelerutil contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Run travelerUtil on the managed host and turn its JSON and exit codes into module results.

Shared by every module of the collection. Nothing here builds a shell command: argv is a list,
and secrets travel only on the child's stdin (``pw=-``), never in argv or the environment,
both of which other users can read in /proc.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import os

MASK = '*****'

# The exit codes documented in travelerUtil's README ("Exit codes"), named like the `class`
# field of `db check --json` where that command has a name for them.
EXIT_CLASSES = {
    0: None,
    1: 'internal',
    2: 'usage',
    4: 'declined',
    5: 'server-running',
    9: 'degraded',
    10: 'other',
    11: 'refused',
    12: 'timeout',
    13: 'authentication',
    14: 'not-found',
    15: 'driver-missing',
    16: 'tls',
    17: 'permission',
    18: 'dns',
    19: 'driver-manager',
    20: 'host-key',
    21: 'no-space',
    65: 'invalid-input',
    74: 'io',
    75: 'store-busy',
    78: 'store',
    130: 'interrupted',
}

# Options every module takes: where travelerUtil is and which store it uses.
COMMON_ARGS = dict(
    binary=dict(type='path'),
    home=dict(type='path'),
    data_dir=dict(type='path'),
)

# Fields that carry a secret's value. `password_set`, `password_source` and `key_passwords`
# (a list of aliases) say something about a secret but hold none.
_SECRET_KEYS = ('password', 'pw', 'pwd', 'passphrase', 'secret', 'keystorepw', 'truststorepw', 'keypw')


def _is_secret_key(key):
    k = str(key).lower()
    return k in _SECRET_KEYS or k.endswith('_password') or k.endswith('_pw')


def mask(value):
    """A copy of a JSON document with every secret-valued field shown as `*****`.

    travelerUtil masks its output already; this is a second line of defence, so that a future
    field that forgets to mask never reaches a registered variable, a diff or a log.
    """
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if _is_secret_key(k) and v is not None and not isinstance(v, (bool, dict, list)):
                out[k] = MASK
            else:
                out[k] = mask(v)
        return out
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value


def stderr_hint(stderr):
    """The `hint:` line(s) travelerUtil prints with a failure, joined, or None."""
    hints = []
    for line in (stderr or '').splitlines():
        s = line.strip()
        if s.startswith('hint:'):
            hints.append(s[len('hint:'):].strip())
    return ' '.join(hints) if hints else None


def stderr_error(stderr):
    """The `travelerUtil: error: ...` line, else the last line of stderr."""
    lines = [ln.strip() for ln in (stderr or '').splitlines() if ln.strip()]
    for line in reversed(lines):
        if line.startswith('travelerUtil: error:'):
            return line[len('travelerUtil: error:'):].strip()
    for line in reversed(lines):
        if line.startswith('error'):
            return line
    return lines[-1] if lines else None


class TravelerUtil(object):
    """travelerUtil on the managed host, as the module's user."""

    def __init__(self, module):
        self.module = module
        p = module.params
        if p.get('binary'):
            self.binary = p['binary']
            if not (os.path.isfile(self.binary) and os.access(self.binary, os.X_OK)):
                module.fail_json(msg='binary=%s is not an executable file' % self.binary, rc=None,
                                 exit_code=None, hint='give the full path of travelerUtil, or leave binary out to search PATH')
        else:
            self.binary = module.get_bin_path('travelerUtil')
            if not self.binary:
                module.fail_json(msg='travelerUtil was not found on PATH', rc=None, exit_code=None,
                                 hint='install travelerUtil on the managed host, put its directory on PATH '
                                      '(for example with the environment keyword), or give binary=')

    def argv(self, args, json_out=True):
        # --no-input: a module must never wait at a prompt; a missing value is exit 2 instead.
        cmd = [self.binary, '--no-input']
        if self.module.params.get('home'):
            cmd += ['--home', self.module.params['home']]
        if self.module.params.get('data_dir'):
            cmd += ['--data-dir', self.module.params['data_dir']]
        cmd += list(args)
        if json_out:
            cmd.append('--json')
        return cmd

    def run(self, args, secrets=None, json_out=True):
        """Run travelerUtil; secrets (a list of strings) go to stdin, one line each.

        Returns (rc, document or None, stdout, stderr).
        """
        stdin = contextlib.nullcontext()
        if secrets:
            stdin = self._stdin_holding(('\n'.join(secrets) + '\n').encode('utf-8', 'surrogateescape'))
        with stdin:
            # encoding/errors: a non-UTF-8 byte in a driver message must not raise here.
            rc, out, err = self.module.run_command(self.argv(args, json_out), errors='surrogate_or_replace')
        doc = None
        if json_out and out and out.strip():
            try:
                doc = json.loads(out)
            except ValueError:
                doc = None
        return rc, doc, out, err

    @contextlib.contextmanager
    def _stdin_holding(self, data):
        """Makes the child's stdin a pipe that already holds `data` and is closed for writing.

        run_command(data=...) writes after the child has started, and a child that exits first
        (travelerUtil refuses a bad argument before it reads a password) turns that write into
        EPIPE, which run_command reports as rc 32 with no output. A pipe filled before the start
        cannot fail that way; the child inherits it as fd 0, which is restored afterwards.
        """
        r, w = os.pipe()
        try:
            # Never blocks: the secrets are a few lines, and a pipe holds 64 KiB on Linux.
            os.set_blocking(w, False)
            view = memoryview(data)
            while view:
                view = view[os.write(w, view):]
        except BlockingIOError:
            os.close(r)
            self.module.fail_json(msg='the secrets are %d bytes, more than a pipe holds' % len(data),
                                  rc=None, exit_code=None, hint='a password is a line of text; check what was passed')
        finally:
            os.close(w)
        saved = os.dup(0)
        try:
            os.dup2(r, 0)
            yield
        finally:
            os.dup2(saved, 0)
            os.close(saved)
            os.close(r)

    def fail(self, what, rc, err, doc=None, **extra):
        """fail_json with travelerUtil's exit code, failure class and hint."""
        cls = None
        hint = None
        if isinstance(doc, dict):
            cls = doc.get('class')
            verdict = doc.get('verdict')
            if isinstance(verdict, dict):
                hint = verdict.get('hint')
        if cls is None:
            cls = EXIT_CLASSES.get(rc, 'unknown')
        hint = hint or stderr_hint(err)
        error = stderr_error(err)
        msg = '%s failed with exit code %s (%s)' % (what, rc, cls)
        if error:
            msg += ': ' + error
        result = dict(msg=msg, rc=rc, exit_code=rc, hint=hint, stderr=err or '')
        result['class'] = cls
        if doc is not None:
            result['report'] = mask(doc)
        result.update(extra)
        self.module.fail_json(**result)

    def must(self, what, args, secrets=None, ok=(0,)):
        """Run a command that has to succeed and print JSON; fail the module otherwise."""
        rc, doc, out, err = self.run(args, secrets=secrets)
        if rc not in ok or not isinstance(doc, dict):
            self.fail(what, rc, err, doc)
        return doc

    def version(self):
        rc, _doc, out, err = self.run(['--version'], json_out=False)
        if rc != 0:
            self.fail('travelerUtil --version', rc, err)
        text = out.strip()
        # "travelerUtil 0.1.0" -> "0.1.0"
        return text.split()[-1] if text else None


def file_sha256(module, path):
    """SHA-256 of a file's bytes, or None when it cannot be read."""
    if not path or not os.path.isfile(path) or not os.access(path, os.R_OK):
        return None
    try:
        return module.digest_from_file(path, 'sha256')
    except Exception:  # an unreadable file is reported as such, never as a traceback
        return None


def failover_partners(report):
    """The failover partners of a `db check --json` report, from its `failover.servers`.

    travelerUtil probes every server the stored URL names (Db2 client-reroute alternates, SQL
    Server's failoverPartner, further Connector/J hosts) with a real login from this member, at
    the same time and within the same `timeout=`. Each partner is returned with travelerUtil's
    fields (role, index, address, result, class, detail), plus `reachable` (it passed, or
    answered as a standby, which is what a partner is until a failover) and, for playbooks
    written against the collection's first release, `host`, `port` and `error`.
    """
    section = report.get('failover') if isinstance(report, dict) else None
    servers = section.get('servers') if isinstance(section, dict) else None
    partners = []
    for s in servers or []:
        if not isinstance(s, dict) or s.get('role') == 'primary':
            continue
        address = str(s.get('address') or '')
        host, sep, port = address.rpartition(':')
        if not sep:
            host, port = address, ''
        reachable = s.get('result') in ('pass', 'standby')
        p = dict(role=s.get('role'), index=s.get('index'), address=address, result=s.get('result'),
                 reachable=reachable, detail=s.get('detail'), host=host.strip('[]'),
                 port=int(port) if port.isdigit() else None, error=None if reachable else s.get('detail'))
        p['class'] = s.get('class')
        partners.append(p)
    return partners


def partner_role(p):
    """`alternate 1`, `failover-partner`: a partner's role as travelerUtil's report names it."""
    role = p.get('role') or 'partner'
    return role if p.get('index') is None else '%s %s' % (role, p['index'])


def partner_name(p):
    """`alternate 1 db2.example.com:50000 (refused)`: a partner as travelerUtil names it."""
    text = '%s %s' % (partner_role(p), p.get('address'))
    if not p.get('reachable') and p.get('class'):
        text += ' (%s)' % p['class']
    return text


def readiness_failures(report):
    """The HA-readiness lines of a `db check --json` report that failed, as `name: detail`."""
    section = report.get('readiness') if isinstance(report, dict) else None
    lines = section.get('lines') if isinstance(section, dict) else None
    return ['%s: %s' % (x.get('name'), x.get('detail')) for x in lines or []
            if isinstance(x, dict) and x.get('status') == 'fail']


def run_check(tu, timeout=None, driver=None, partners=True):
    """`db check --json`, as the check module returns it.

    The verdict, the HA readiness and the failover partners are travelerUtil's own: the report's
    `result` (pass, degraded or fail) and `exit_code` (9 when only a failover partner fails).
    With `partners` false, a degraded verdict (the primary passes) counts as passed.

    Returns (result, problem, warnings): result holds `report`, `passed`, `result`,
    `exit_code`, `class`, `hint` and `partners`; problem is a sentence when the verdict failed
    or a partner is unreachable (else None); warnings lists the checks that warned. When
    travelerUtil printed no report at all, result has no `report` and problem says why.
    """
    args = ['db', 'check']
    if timeout is not None:
        args.append('timeout=%d' % timeout)
    if driver is not None:
        args.append('driver=' + driver)
    rc, report, _out, err = tu.run(args)
    if not isinstance(report, dict) or 'result' not in report:
        cls = EXIT_CLASSES.get(rc, 'unknown')
        result = dict(passed=False, result=None, exit_code=rc, hint=stderr_hint(err), partners=[], stderr=err or '')
        result['class'] = cls
        why = stderr_error(err)
        return result, 'db check failed with exit code %s (%s)%s' % (rc, cls, (': ' + why) if why else ''), []

    exit_code = report.get('exit_code', rc)
    if not isinstance(exit_code, int):
        exit_code = rc
    verdict = report.get('result')
    found = failover_partners(report)
    unreachable = [p for p in found if not p['reachable']]
    degraded = verdict == 'degraded'
    passed = (verdict == 'pass' and exit_code == 0) or (degraded and not partners)
    cls = report.get('class') or (None if verdict == 'pass' else EXIT_CLASSES.get(exit_code, 'unknown'))
    v = report.get('verdict') if isinstance(report.get('verdict'), dict) else {}
    hint = v.get('hint')
    failed_lines = readiness_failures(report)
    if verdict == 'fail' and not hint:
        hint = '; '.join(failed_lines) if failed_lines else stderr_hint(err)
    warnings = ['%s: %s' % (c.get('name'), c.get('detail')) for c in report.get('checks') or []
                if isinstance(c, dict) and c.get('status') == 'warn']

    result = dict(report=mask(report), passed=passed, result=verdict, exit_code=exit_code, hint=hint, partners=found)
    result['class'] = cls
    problem = None
    if degraded and partners:
        problem = 'failover partner(s) not reachable from this server: ' + ', '.join(partner_name(p) for p in unreachable)
    elif not passed and not degraded:
        problem = 'db check failed with exit code %s (%s)' % (exit_code, cls)
        if failed_lines and not v.get('hint'):
            problem += ': HA readiness: ' + '; '.join(failed_lines)
        elif hint:
            problem += ': ' + hint
    return result, problem, warnings


def ssl_facts(tu, ssl_show):
    """`ssl check --json` of the stored keystore and truststore, when any is stored.

    Returns (document or None, {role: store report}, error or None). The stored passwords are
    travelerUtil's own, so nothing is passed in; a failing store (wrong stored password, expired
    certificate, no trusted certificate) is part of the document, not an error.
    """
    if not any(isinstance((ssl_show or {}).get(r), dict) for r in ('keystore', 'truststore')):
        return None, {}, None
    rc, doc, _out, err = tu.run(['ssl', 'check'])
    if not isinstance(doc, dict) or not isinstance(doc.get('stores'), list):
        why = stderr_error(err)
        return None, {}, 'ssl check failed with exit code %s (%s)%s' % (
            rc, EXIT_CLASSES.get(rc, 'unknown'), (': ' + why) if why else '')
    stores = dict((st.get('role'), st) for st in doc['stores'] if isinstance(st, dict))
    return doc, stores, None
