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

import json
import os
import shutil
import socket
import tempfile

MASK = '*****'

# The exit codes documented in travelerUtil's README ("Exit codes"), named like the `class`
# field of `db check --json` where that command has a name for them.
EXIT_CLASSES = {
    0: None,
    1: 'internal',
    2: 'usage',
    4: 'declined',
    5: 'server-running',
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

    def argv(self, args, json_out=True, home=None):
        # --no-input: a module must never wait at a prompt; a missing value is exit 2 instead.
        cmd = [self.binary, '--no-input']
        home = home or self.module.params.get('home')
        if home:
            cmd += ['--home', home]
        if self.module.params.get('data_dir'):
            cmd += ['--data-dir', self.module.params['data_dir']]
        cmd += list(args)
        if json_out:
            cmd.append('--json')
        return cmd

    def run(self, args, secrets=None, json_out=True, home=None):
        """Run travelerUtil; secrets (a list of strings) go to stdin, one line each.

        Returns (rc, document or None, stdout, stderr).
        """
        data = None
        if secrets:
            data = '\n'.join(secrets)
        # encoding/errors: a non-UTF-8 byte in a driver message must not raise here.
        rc, out, err = self.module.run_command(self.argv(args, json_out, home), data=data,
                                               binary_data=False, errors='surrogate_or_replace')
        doc = None
        if json_out and out and out.strip():
            try:
                doc = json.loads(out)
            except ValueError:
                doc = None
        return rc, doc, out, err

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

    def must(self, what, args, secrets=None, home=None, ok=(0,)):
        """Run a command that has to succeed and print JSON; fail the module otherwise."""
        rc, doc, out, err = self.run(args, secrets=secrets, home=home)
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

    def supports_key(self, command, key):
        """Whether `travelerUtil <command> --help` lists KEY= (features newer than this collection)."""
        rc, _doc, out, _err = self.run(list(command) + ['--help'], json_out=False)
        return rc == 0 and (key + '=') in out

    def scratch_store(self, store_dir):
        """A private copy of the store directory, for trying settings without touching the real one.

        The copy stays inside Ansible's remote temporary directory (mode 0700, removed after the
        task) and keeps the files' 0600 modes, which travelerUtil insists on.
        """
        tmp = tempfile.mkdtemp(prefix='travelerutil-', dir=self.module.tmpdir)
        os.chmod(tmp, 0o700)
        home = os.path.join(tmp, 'home')
        os.mkdir(home, 0o700)
        for name in ('travelerutil.store', 'travelerutil.key'):
            src = os.path.join(store_dir, name) if store_dir else None
            if src and os.path.isfile(src):
                shutil.copy2(src, os.path.join(home, name))
                os.chmod(os.path.join(home, name), 0o600)
        return tmp, home


def file_sha256(module, path):
    """SHA-256 of a file's bytes, or None when it cannot be read."""
    if not path or not os.path.isfile(path) or not os.access(path, os.R_OK):
        return None
    try:
        return module.digest_from_file(path, 'sha256')
    except Exception:  # an unreadable file is reported as such, never as a traceback
        return None


def failover_partners(db_show):
    """The failover partners a stored JDBC URL names, as [{host, port, source}].

    - MySQL (Connector/J): every host after the first of `jdbc:mysql://h1,h2,.../db`;
    - Db2: clientRerouteAlternateServerName / clientRerouteAlternatePortNumber (comma lists);
    - SQL Server: failoverPartner (`host`, `host\\instance` or `host,port`; default port 1433).
    """
    url = (db_show or {}).get('url') or {}
    if not isinstance(url, dict):
        return []
    kind = url.get('kind')
    props = {}
    for pair in url.get('properties') or []:
        if isinstance(pair, (list, tuple)) and len(pair) == 2 and pair[1] is not None:
            props[str(pair[0]).lower()] = str(pair[1])
    partners = []
    hosts = url.get('hosts') or []
    for h in hosts[1:]:
        if isinstance(h, dict) and h.get('host'):
            partners.append(dict(host=h['host'], port=h.get('port') or url.get('port'), source='url host list'))
    if kind == 'db2' and props.get('clientreroutealternateservername'):
        names = [n.strip() for n in props['clientreroutealternateservername'].split(',') if n.strip()]
        ports = [p.strip() for p in props.get('clientreroutealternateportnumber', '').split(',')]
        for i, name in enumerate(names):
            port = ports[i] if i < len(ports) and ports[i].isdigit() else (url.get('port') or 50000)
            partners.append(dict(host=name, port=int(port), source='clientRerouteAlternateServerName'))
    if kind == 'sqlserver' and props.get('failoverpartner'):
        fp = props['failoverpartner']
        port = 1433
        if ',' in fp:
            fp, p = fp.split(',', 1)
            port = int(p) if p.strip().isdigit() else 1433
        host = fp.split('\\', 1)[0].strip()
        if host:
            partners.append(dict(host=host, port=port, source='failoverPartner'))
    return partners


def probe_tcp(host, port, timeout):
    """Can this member open a TCP connection to host:port? (reachable, error text or None)."""
    try:
        conn = socket.create_connection((host, int(port)), timeout=timeout)
        conn.close()
        return True, None
    except Exception as e:  # DNS, refused, timeout: all mean "not reachable from here"
        return False, str(e)


def run_check(tu, timeout=None, driver=None, partners=True, partner_timeout=3.0, show=None):
    """`db check --json` and the failover partners, as the check module returns them.

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

    # The verdict is the report's own: later travelerUtil versions may add sections (HA
    # readiness, failover) whose failures they fold into `result` and `exit_code`.
    exit_code = report.get('exit_code', rc)
    if not isinstance(exit_code, int):
        exit_code = rc
    passed = report.get('result') == 'pass' and exit_code == 0 and rc == 0
    verdict = report.get('verdict') if isinstance(report.get('verdict'), dict) else {}
    cls = report.get('class')
    if cls is None and not passed:
        cls = EXIT_CLASSES.get(exit_code, 'unknown')
    hint = verdict.get('hint') or (None if passed else stderr_hint(err))

    found = []
    if partners:
        if show is None:
            show_rc, show, _o, _e = tu.run(['db', 'show'])
            if show_rc != 0:
                show = None
        for partner in failover_partners(show):
            ok, why = probe_tcp(partner['host'], partner['port'], partner_timeout)
            found.append(dict(partner, reachable=ok, error=why))
    unreachable = [x for x in found if not x['reachable']]
    warnings = ['%s: %s' % (c.get('name'), c.get('detail')) for c in report.get('checks') or []
                if isinstance(c, dict) and c.get('status') == 'warn']

    result = dict(report=mask(report), passed=passed and not unreachable, result=report.get('result'),
                  exit_code=exit_code, hint=hint, partners=found)
    result['class'] = cls
    problem = None
    if not passed:
        problem = 'db check failed with exit code %s (%s)' % (exit_code, cls)
        if hint:
            problem += ': ' + hint
    elif unreachable:
        problem = 'failover partner(s) not reachable from this server: ' + ', '.join(
            '%s:%s (%s)' % (x['host'], x['port'], x['error']) for x in unreachable)
    return result, problem, warnings
