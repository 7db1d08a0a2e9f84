#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: travelerutil contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ssl
short_description: Store or remove a Traveler server's keystore and truststore settings
version_added: 1.0.0
description:
  - Runs C(travelerUtil ssl set) on the managed host. It verifies every password against its file (JKS, JCEKS,
    PKCS#12) before anything is stored, and saves nothing unless every password verifies.
  - With O(state=absent), runs C(travelerUtil ssl remove) for the stores named in O(stores).
  - Either store may be given alone; the other stays as stored. C(changed) is exact (C(saved) or C(unchanged)).
extends_documentation_fragment:
  - travelerutil.traveler.common
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Runs C(ssl set --dry-run), which verifies the passwords and reports C(would-save) or C(unchanged).
  diff_mode:
    support: full
    details: Before and after come from C(ssl show --json); passwords show as C(*****).
  platform:
    platforms: posix
options:
  state:
    description:
      - V(present) stores the settings (C(ssl set)); V(absent) removes them (C(ssl remove)).
    type: str
    choices: [present, absent]
    default: present
  keystore:
    description:
      - The keystore that holds the server's key (JKS, JCEKS or PKCS#12), on the managed host.
    type: path
  keystore_password:
    description:
      - The keystore's password, sent on standard input (C(keystorepw=-)).
    type: str
  key_password:
    description:
      - The password of the keystore's private keys, when it differs from the keystore password (C(keypw=-)).
    type: str
  truststore:
    description:
      - The truststore that holds the trusted CA certificates, on the managed host.
    type: path
  truststore_password:
    description:
      - The truststore's password, sent on standard input (C(truststorepw=-)).
    type: str
  stores:
    description:
      - With O(state=absent), which settings to remove.
    type: list
    elements: str
    choices: [keystore, truststore]
    default: [keystore, truststore]
seealso:
  - module: travelerutil.traveler.info
author:
  - travelerutil maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Keystore and truststore, passwords from the vault
  travelerutil.traveler.ssl:
    keystore: /local/notesdata/traveler/cfg/keystore.p12
    keystore_password: "{{ vault_keystore_password }}"
    truststore: /local/notesdata/traveler/cfg/truststore.jks
    truststore_password: "{{ vault_truststore_password }}"

- name: Rotate the truststore password only
  travelerutil.traveler.ssl:
    truststore_password: "{{ vault_new_truststore_password }}"

- name: Forget the truststore
  travelerutil.traveler.ssl:
    state: absent
    stores: [truststore]
'''

RETURN = r'''
status:
  description: travelerUtil's verdict.
  returned: always
  type: str
  sample: saved
  choices: [saved, unchanged, would-save, removed, nothing-to-remove, would-remove]
ssl:
  description: The settings after the task, from C(ssl show --json) (travelerUtil's C(docs/json.md)), passwords masked.
  returned: always
  type: dict
  sample: {"keystore": {"role": "keystore", "path": "/local/notesdata/traveler/cfg/keystore.p12", "type": "PKCS12",
           "password": "*****", "key_passwords": [], "file": "unchanged", "detail": null}, "truststore": null}
result:
  description: The JSON document of C(ssl set --json) or C(ssl remove --json), passwords masked.
  returned: when travelerUtil ran C(ssl set) or C(ssl remove)
  type: dict
  sample: {"status": "saved", "dry_run": false, "verified": []}
exit_code:
  description: travelerUtil's exit code (13 wrong password, 14 file missing, 65 damaged file, ...).
  returned: failure
  type: int
  sample: 13
class:
  description: The failure class.
  returned: failure
  type: str
  sample: authentication
hint:
  description: travelerUtil's advice for the failure, or its error message.
  returned: failure, when travelerUtil gave one
  type: str
  sample: give the key's own password with keypw=
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.travelerutil.traveler.plugins.module_utils.travelerutil import (
    COMMON_ARGS, MASK, TravelerUtil, mask,
)

ROLES = ('keystore', 'truststore')


def view(show):
    """The part of `ssl show --json` that a diff shows."""
    out = {}
    for role in ROLES:
        s = (show or {}).get(role)
        if isinstance(s, dict):
            out[role] = dict(path=s.get('path'), type=s.get('type'),
                             password=MASK if s.get('password') else None,
                             key_passwords=s.get('key_passwords') or [], file=s.get('file'))
        else:
            out[role] = None
    return out


def main():
    argument_spec = dict(
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        keystore=dict(type='path'),
        keystore_password=dict(type='str', no_log=True),
        key_password=dict(type='str', no_log=True),
        truststore=dict(type='path'),
        truststore_password=dict(type='str', no_log=True),
        stores=dict(type='list', elements='str', choices=list(ROLES), default=list(ROLES)),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[('state', 'present',
                      ('keystore', 'keystore_password', 'key_password', 'truststore', 'truststore_password'), True)],
    )
    p = module.params
    for key in ('keystore_password', 'key_password', 'truststore_password'):
        if p[key] == '':
            # Each is one stdin line for travelerUtil; an empty line is no password.
            module.fail_json(msg='%s is empty: give the password, or leave %s out to keep the stored one' % (key, key))
    tu = TravelerUtil(module)
    before_doc = tu.must('ssl show', ['ssl', 'show'])
    before = view(before_doc)

    if p['state'] == 'absent':
        present = [r for r in p['stores'] if before.get(r)]
        if not present or module.check_mode:
            after = dict(before, **dict((r, None) for r in present))
            module.exit_json(changed=bool(present), status='would-remove' if present else 'nothing-to-remove',
                             ssl=mask(before_doc), diff=dict(before=before, after=after))
        # Naming both would be the same as naming none; name exactly what is to go.
        doc = tu.must('ssl remove', ['ssl', 'remove'] + present + ['--yes'])
        after_doc = tu.must('ssl show', ['ssl', 'show'])
        module.exit_json(changed=doc.get('status') == 'removed', status=doc.get('status'), result=mask(doc),
                         ssl=mask(after_doc), diff=dict(before=before, after=view(after_doc)))

    args = ['ssl', 'set']
    secrets = []
    # travelerUtil reads `-` passwords from stdin in this order: keystorepw, keypw, truststorepw.
    if p['keystore'] is not None:
        args.append('keystore=' + p['keystore'])
    if p['keystore_password'] is not None:
        args.append('keystorepw=-')
        secrets.append(p['keystore_password'])
    if p['key_password'] is not None:
        args.append('keypw=-')
        secrets.append(p['key_password'])
    if p['truststore'] is not None:
        args.append('truststore=' + p['truststore'])
    if p['truststore_password'] is not None:
        args.append('truststorepw=-')
        secrets.append(p['truststore_password'])
    if module.check_mode:
        args.append('--dry-run')

    rc, doc, _out, err = tu.run(args, secrets=secrets or None)
    if rc != 0 or not isinstance(doc, dict):
        tu.fail('ssl set', rc, err, doc)
    status = doc.get('status')
    changed = status in ('saved', 'would-save')
    after_doc = before_doc
    if changed and not module.check_mode:
        after_doc = tu.must('ssl show', ['ssl', 'show'])
    after = view(after_doc)
    if changed and module.check_mode:
        for v in doc.get('verified') or []:
            role = v.get('role')
            if role in ROLES:
                after[role] = dict(path=v.get('path'), type=v.get('type'), password=MASK,
                                   key_passwords=(before.get(role) or {}).get('key_passwords') or [], file='unchanged')
    if changed and after == before:
        # Paths and types equal: what changed is a password, which both sides show as *****.
        for role in ROLES:
            if after.get(role):
                after[role] = dict(after[role], password=MASK + ' (changed)')
    module.exit_json(changed=changed, status=status, result=mask(doc), ssl=mask(after_doc),
                     diff=dict(before=before, after=after))


if __name__ == '__main__':
    main()
