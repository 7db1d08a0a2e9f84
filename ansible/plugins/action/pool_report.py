# -*- coding: utf-8 -*-
# Copyright: travelerutil contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Compare what every pool member registered from `info` and `check`, on the controller.

An action plugin rather than a module: the facts of all members are only known on the
controller (hostvars), and nothing needs to run on a managed host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible_collections.travelerutil.traveler.plugins.module_utils.travelerutil import (
    failover_partners, partner_role,
)

display = Display()

COLUMNS = ('reach', 'url', 'user', 'driver', 'truststore', 'check', 'partners')
# The facts every member must share with the pool (reach/check/partners are judged per member).
SHARED = ('url', 'user', 'driver', 'truststore')


def _get(d, *path):
    for key in path:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def normalized_url(db):
    """The stored URL's canonical form, with host names lower-cased (DNS names are case-insensitive)."""
    url = _get(db, 'url')
    if not isinstance(url, dict):
        return _get(db, 'url_text') or '-'
    text = url.get('normalized') or _get(db, 'url_text') or '-'
    hosts = [h.get('host') for h in url.get('hosts') or [] if isinstance(h, dict) and h.get('host')]
    if url.get('host'):
        hosts.append(url['host'])
    for h in sorted(set(hosts), key=len, reverse=True):
        text = re.sub(re.escape(h), h.lower(), text, flags=re.IGNORECASE)
    return text


def truststore_cell(info):
    """The truststore column: the first 12 hex digits of what it trusts (`certificates_sha256` of
    `ssl check`, the same for the same CAs whatever the file), `-` when none is stored."""
    ts = _get(info, 'truststore')
    if not isinstance(ts, dict) or not ts.get('path'):
        return '-'
    digest = ts.get('certificates_sha256')
    if digest:
        return str(digest).replace(':', '')[:12].lower()
    # Trusts nothing, or could not be read with its stored password: nothing to compare.
    return '? (%s)' % (ts.get('verdict') or 'ssl check did not run')


def ssl_problems(name, info):
    """A stored keystore or truststore that `ssl check` failed (a password rotated on some members
    only, an expired certificate, a truststore that trusts nothing), or that it could not check."""
    if _get(info, 'ssl_check_error'):
        return [dict(host=name, problem='ssl check failed', detail=info['ssl_check_error'])]
    problems = []
    for st in _get(info, 'ssl_check', 'stores') or []:
        if isinstance(st, dict) and st.get('exit') not in (0, None):
            problems.append(dict(host=name, problem='ssl check failed', detail='%s %s: %s' % (
                st.get('role'), st.get('verdict'), st.get('message') or '')))
    return problems


def partners_cell(report):
    """(cell, unreachable partners) from the report's `failover.servers`: every server but the
    primary, as travelerUtil probed it from this member."""
    if not isinstance(_get(report, 'failover'), dict):
        # Standalone Derby has no partners; otherwise the check stopped before the probes.
        return ('-' if report.get('mode') == 'standalone' else '?'), []
    partners = failover_partners(report)
    down = [p for p in partners if not p['reachable']]
    if down:
        return 'UNREACHABLE ' + ','.join('%s (%s)' % (p['address'], p['class'] or p['result']) for p in down), down
    return ('ok (%d)' % len(partners)) if partners else '-', []


def member_facts(name, info, check):
    """(facts for the table, problems) of one member."""
    facts = dict((c, '-') for c in COLUMNS)
    problems = []
    if check is None and isinstance(info, dict) and isinstance(info.get('check'), dict):
        check = info['check']  # info ran with check=true: one module run per member
    for res in (info, check):
        if not isinstance(res, dict) or res.get('unreachable'):
            detail = res.get('msg') if isinstance(res, dict) else 'no result registered (the host was not reached)'
            facts['reach'] = 'UNREACHABLE'
            return facts, [dict(host=name, problem='unreachable', detail=detail)]
    facts['reach'] = 'ok'
    if info.get('failed') or not isinstance(info.get('db'), dict):
        facts['reach'] = 'ERROR'
        problems.append(dict(host=name, problem='info failed', detail=info.get('msg')))
    else:
        db = info['db']
        facts['url'] = normalized_url(db) if db.get('mode') == 'enterprise' else 'standalone'
        facts['user'] = db.get('user') or '-'
        facts['truststore'] = truststore_cell(info)
        problems.extend(ssl_problems(name, info))
    report = check.get('report')
    if not isinstance(report, dict):
        facts['check'] = 'ERROR (%s)' % (check.get('class') or check.get('exit_code'))
        problems.append(dict(host=name, problem='check failed to run', detail=check.get('msg')))
        return facts, problems
    facts['driver'] = _get(report, 'driver', 'family') or '-'
    verdict = report.get('result')
    if verdict in ('pass', 'degraded'):
        # degraded: the primary and the readiness passed; the partners column says what failed.
        facts['check'] = verdict
    else:
        facts['check'] = 'FAIL (%s)' % (check.get('class') or check.get('exit_code'))
        problems.append(dict(host=name, problem='check failed', detail=check.get('msg') or check.get('hint')))
    facts['partners'], down = partners_cell(report)
    if down:
        problems.append(dict(host=name, problem='failover partner unreachable', detail=', '.join(
            '%s (%s): %s' % (p['address'], partner_role(p), p['detail']) for p in down)))
    return facts, problems


def pool_values(rows):
    """The pool's value of each shared fact: the most common among reachable members (ties: first seen)."""
    values = {}
    for col in SHARED:
        counts = {}
        order = []
        for _name, facts in rows:
            if facts['reach'] != 'ok':
                continue
            v = facts[col]
            if v not in counts:
                counts[v] = 0
                order.append(v)
            counts[v] += 1
        if order:
            values[col] = max(order, key=lambda v: (counts[v], -order.index(v)))
    return values


def render(rows, marks, bad_hosts):
    header = ['', 'host'] + list(COLUMNS)
    lines = [header]
    for name, facts in rows:
        cells = ['!' if name in bad_hosts else '', name]
        for col in COLUMNS:
            cells.append(('*' if (name, col) in marks else '') + str(facts[col]))
        lines.append(cells)
    widths = [max(len(r[i]) for r in lines) for i in range(len(header))]
    return ['  '.join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in lines]


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=dict(
            members=dict(type='list', elements='str', required=True),
            info_var=dict(type='str', default='traveler_info'),
            check_var=dict(type='str', default='traveler_check'),
            fail_on=dict(type='str', choices=['inconsistent', 'never'], default='inconsistent'),
        ))
        hostvars = task_vars.get('hostvars', {})
        rows = []
        problems = []
        for name in args['members']:
            hv = hostvars.get(name) if name in hostvars else None
            info = hv.get(args['info_var']) if hv is not None else None
            check = hv.get(args['check_var']) if hv is not None else None
            facts, probs = member_facts(name, info, check)
            rows.append((name, facts))
            problems.extend(probs)

        pool = pool_values(rows)
        differences = []
        marks = set()
        for name, facts in rows:
            if facts['reach'] != 'ok':
                marks.add((name, 'reach'))
                continue
            for col in SHARED:
                if col in pool and facts[col] != pool[col]:
                    marks.add((name, col))
                    differences.append(dict(host=name, fact=col, value=facts[col], pool_value=pool[col]))
            if facts['check'] not in ('pass', 'degraded'):
                marks.add((name, 'check'))
            if facts['partners'].startswith('UNREACHABLE'):
                marks.add((name, 'partners'))
        bad_hosts = set(d['host'] for d in differences) | set(p['host'] for p in problems)

        consistent = not bad_hosts
        title = 'Traveler pool: %d member(s), %s' % (
            len(rows), 'consistent' if consistent else '%d with a problem: %s' % (
                len(bad_hosts), ', '.join(n for n, _f in rows if n in bad_hosts)))
        table = [title] + render(rows, marks, bad_hosts)
        for d in differences:
            table.append('%s: %s is %s, the pool has %s' % (d['host'], d['fact'], d['value'], d['pool_value']))
        for p in problems:
            table.append('%s: %s%s' % (p['host'], p['problem'], (': %s' % p['detail']) if p.get('detail') else ''))
        # The table goes straight to the terminal: through a task result, the default callback
        # would print it as one escaped JSON string.
        display.display('\n'.join(table))

        result.update(changed=False, consistent=consistent, table=table,
                      members=dict(rows), differences=differences, problems=problems)
        if not consistent and args['fail_on'] == 'inconsistent':
            result['failed'] = True
            result['msg'] = title
        return result
