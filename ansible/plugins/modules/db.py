#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: travelerutil contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: db
short_description: Store or remove a Traveler server's enterprise database settings
version_added: 1.0.0
description:
  - Runs C(travelerUtil db set) on the managed host, which validates the JDBC URL offline, then proves the settings
    with a real connection through ODBC before it saves them (unless O(force=true)), exactly as on the command line.
  - With O(state=absent), runs C(travelerUtil db remove --yes), which sends the server back to standalone Derby.
  - Options that are left out keep their stored values, as with C(db set) (a stored URL or jar path is kept; a stored
    password is kept while the user is unchanged).
  - C(changed) is exact, from travelerUtil's own verdict (C(saved) or C(unchanged)); a second run reports no change.
extends_documentation_fragment:
  - travelerutil.traveler.common
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Runs C(db set --dry-run), which validates and reports C(would-save) or C(unchanged) but does not test the connection.
  diff_mode:
    support: full
    details: Before and after come from C(db show --json); the password shows as C(*****).
  platform:
    platforms: posix
options:
  state:
    description:
      - V(present) stores the settings (C(db set)); V(absent) removes them (C(db remove --yes)).
    type: str
    choices: [present, absent]
    default: present
  url:
    description:
      - The JDBC URL, passed to travelerUtil as one argument, so C(;) and blanks need no quoting beyond YAML's own
        (for example C(jdbc:as400://ibmi.example.com;database name=IASP1)).
      - Required when nothing is stored yet.
    type: str
  user:
    description:
      - The database user.
    type: str
  password:
    description:
      - The database password. It reaches travelerUtil on its standard input (C(pw=-)).
      - When left out, the stored password is kept while O(user) is unchanged.
    type: str
  path:
    description:
      - The JDBC driver jar (for example C(/opt/ibm/db2jcc4.jar) or C(jt400.jar)).
    type: path
  driver:
    description:
      - The ODBC driver that the connection test and C(db check) use (C(driver=)).
      - When left out, travelerUtil picks one and records the driver that passed the test.
    type: str
  force:
    description:
      - Save without the connection test (C(force)).
    type: bool
    default: false
  timeout:
    description:
      - Bound, in seconds, of the connection test (1 to 3600), passed to C(db set) as C(timeout=); the same bound
        C(db check timeout=) sets. When left out, travelerUtil's default (10 seconds) applies.
      - Needs a travelerUtil whose C(db set) takes C(timeout=) (the version this collection ships with).
    type: int
seealso:
  - module: travelerutil.traveler.check
  - module: travelerutil.traveler.info
author:
  - travelerutil maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Point Traveler at Db2 for IBM i on an IASP (no shell quoting needed)
  travelerutil.traveler.db:
    url: "jdbc:as400://ibmi.example.com;database name=IASP1"
    user: LNTUSER
    password: "{{ vault_traveler_db_password }}"
    path: /local/notesdata/traveler/lib/jt400.jar

- name: MySQL, with a longer connection test
  travelerutil.traveler.db:
    url: jdbc:mysql://mysql.example.com:3306/TRAVELER
    user: lnt
    password: "{{ vault_traveler_db_password }}"
    timeout: 30

- name: Rotate the password only (the stored URL is kept)
  travelerutil.traveler.db:
    user: LNTUSER
    password: "{{ vault_new_password }}"

- name: Back to standalone Derby
  travelerutil.traveler.db:
    state: absent
'''

RETURN = r'''
status:
  description: travelerUtil's verdict.
  returned: always
  type: str
  sample: saved
  choices: [saved, unchanged, would-save, removed, nothing-to-remove, would-remove]
db:
  description: The settings after the task, from C(db show --json) (documented in travelerUtil's C(docs/json.md)), secrets masked.
  returned: always
  type: dict
  sample: {"mode": "enterprise", "kind": "mysql", "url_text": "jdbc:mysql://db.example.com:3306/TRAVELER", "user": "lnt",
           "password": "*****", "password_set": true, "path": null, "driver": "MariaDB Unicode"}
result:
  description: The JSON document of C(db set --json) or C(db remove --json), secrets masked.
  returned: when travelerUtil ran a command that changes the store, or in check mode
  type: dict
  sample: {"status": "saved", "dry_run": false, "user": "lnt", "password_set": true, "password_source": "stdin", "warnings": []}
exit_code:
  description: travelerUtil's exit code (on failure; see its README, "Exit codes").
  returned: failure
  type: int
  sample: 13
class:
  description: The failure class (C(authentication), C(refused), C(timeout), C(invalid-input), ...).
  returned: failure
  type: str
  sample: authentication
hint:
  description: travelerUtil's advice for the failure.
  returned: failure, when travelerUtil gave one
  type: str
  sample: "the server rejected the user name or password: store the right ones with `travelerUtil db set user=NAME pw=-` ..."
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.travelerutil.traveler.plugins.module_utils.travelerutil import (
    COMMON_ARGS, MASK, TravelerUtil, mask,
)


def view(show):
    """The part of `db show --json` that a diff shows."""
    show = show or {}
    return dict(
        mode=show.get('mode'),
        url=show.get('url_text'),
        user=show.get('user'),
        password=MASK if show.get('password_set') else None,
        path=show.get('path'),
        driver=show.get('driver'),
    )


def predicted(before, planned):
    """The view after a `db set --dry-run` (check mode): the planned values over the stored ones."""
    after = dict(before)
    url = planned.get('url')
    after['mode'] = 'enterprise'
    if isinstance(url, dict) and url.get('normalized'):
        after['url'] = url['normalized']
    for k in ('user', 'path', 'driver'):
        if planned.get(k) is not None:
            after[k] = planned[k]
    after['password'] = MASK if planned.get('password_set') else None
    return after


def mark_password_change(before, after, changed):
    # Both sides show `*****`; when nothing else differs, the change can only be the password.
    if changed and after.get('password') and before == after:
        after = dict(after, password=MASK + ' (changed)')
    return after


def set_args(p):
    args = ['db', 'set']
    if p['url'] is not None:
        args.append('url=' + p['url'])  # one argv element: `;` and blanks stay inside it
    if p['user'] is not None:
        args.append('user=' + p['user'])
    if p['password'] is not None:
        args.append('pw=-')
    if p['path'] is not None:
        args.append('path=' + p['path'])
    if p['driver'] is not None:
        args.append('driver=' + p['driver'])
    if p['timeout'] is not None:
        args.append('timeout=%d' % p['timeout'])
    if p['force']:
        args.append('force')
    return args


def hint_for(rc, err):
    """A travelerUtil from before `db set timeout=` rejects the key as unknown (exit 2): say so."""
    if rc == 2 and 'unknown key `timeout`' in (err or ''):
        return dict(hint='this travelerUtil is older than the timeout= of db set: install the travelerUtil '
                         'this collection ships with, or leave timeout out')
    return {}


def main():
    argument_spec = dict(
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        url=dict(type='str'),
        user=dict(type='str'),
        password=dict(type='str', no_log=True),
        path=dict(type='path'),
        driver=dict(type='str'),
        force=dict(type='bool', default=False),
        timeout=dict(type='int'),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    if p['password'] == '':
        # travelerUtil reads one line from stdin for pw=-; an empty line is no password.
        module.fail_json(msg='password is empty: give the database password, or leave password out to keep the stored one')
    tu = TravelerUtil(module)

    before_doc = tu.must('db show', ['db', 'show'])
    before = view(before_doc)

    if p['state'] == 'absent':
        present = any(before[k] for k in ('url', 'user', 'password', 'path', 'driver'))
        if module.check_mode:
            after = view({'mode': 'standalone'}) if present else before
            module.exit_json(changed=present, status='would-remove' if present else 'nothing-to-remove',
                             db=mask(before_doc), diff=dict(before=before, after=after))
        doc = tu.must('db remove', ['db', 'remove', '--yes'])
        after_doc = tu.must('db show', ['db', 'show'])
        changed = doc.get('status') == 'removed'
        module.exit_json(changed=changed, status=doc.get('status'), result=mask(doc), db=mask(after_doc),
                         diff=dict(before=before, after=view(after_doc)))

    secrets = [p['password']] if p['password'] is not None else None

    if module.check_mode:
        rc, doc, _out, err = tu.run(set_args(p) + ['--dry-run'], secrets=secrets)
        if rc != 0 or not isinstance(doc, dict):
            tu.fail('db set --dry-run', rc, err, doc, **hint_for(rc, err))
        changed = doc.get('status') == 'would-save'
        after = mark_password_change(before, predicted(before, doc) if changed else before, changed)
        module.exit_json(changed=changed, status=doc.get('status'), result=mask(doc), db=mask(before_doc),
                         diff=dict(before=before, after=after))

    # The range of timeout= is travelerUtil's to judge (exit 65 names it), as on the command line.
    rc, doc, _out, err = tu.run(set_args(p), secrets=secrets)
    if rc != 0 or not isinstance(doc, dict):
        tu.fail('db set', rc, err, doc, **hint_for(rc, err))
    status = doc.get('status')
    changed = status == 'saved'
    after_doc = tu.must('db show', ['db', 'show']) if changed else before_doc
    after = mark_password_change(before, view(after_doc), changed)
    module.exit_json(changed=changed, status=status, result=mask(doc), db=mask(after_doc),
                     diff=dict(before=before, after=after))


if __name__ == '__main__':
    main()
