#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: travelerutil contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: info
short_description: Facts about a Traveler server's travelerUtil settings
version_added: 1.0.0
description:
  - Runs C(travelerUtil db show --json), C(ssl show --json) and C(--version) on the managed host and returns their
    documents, with every secret masked.
  - When a keystore or truststore is stored, also runs C(ssl check --json), which opens each with its stored password,
    and returns its verdict and C(certificates_sha256), one digest of the certificates a store trusts that does not
    depend on the file's format or bytes, so that an audit compares what the truststores trust, not their paths or
    files.
  - With O(check=true), also runs C(db check --json) and returns what M(travelerutil.traveler.check) returns, in one
    module run (the audit playbook uses this, one task per member instead of two).
  - Changes nothing.
extends_documentation_fragment:
  - travelerutil.traveler.common
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Only reads; runs in check mode too.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  check:
    description:
      - Also run C(db check), which probes the failover partners too, as M(travelerutil.traveler.check) with
        O(travelerutil.traveler.check#module:fail_on=never) does, and return the result as RV(check).
      - A failing check does not fail this module; read RV(check.passed).
    type: bool
    default: false
  check_timeout:
    description:
      - With O(check=true), the bound in seconds of the connection attempt (C(timeout=)).
    type: int
seealso:
  - module: travelerutil.traveler.check
author:
  - travelerutil maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: What is this server configured with?
  travelerutil.traveler.info:
  register: traveler_info

- name: Show the stored URL
  ansible.builtin.debug:
    var: traveler_info.db.url_text
'''

RETURN = r'''
version:
  description: travelerUtil's version.
  returned: always
  type: str
  sample: 0.1.0
db:
  description: The C(db show --json) document (schema in travelerUtil's C(docs/json.md)), the password as C(*****).
  returned: always
  type: dict
  sample: {"mode": "enterprise", "kind": "db2", "url_text": "jdbc:db2://db2.example.com:50000/TRAVELER", "user": "db2admin",
           "password": "*****", "password_set": true, "path": "/opt/ibm/db2jcc4.jar", "driver": "DB2"}
ssl:
  description: The C(ssl show --json) document, passwords as C(*****).
  returned: always
  type: dict
  sample: {"keystore": null, "truststore": null, "store": "/home/notes/.config/travelerutil/travelerutil.store"}
keystore:
  description:
    - The stored keystore (all values null when none is stored).
    - C(type), C(verdict), C(exit), C(trusted_certificates) and C(certificates_sha256) are those of C(ssl check --json)
      (null when it could not run); C(sha256) and C(size) describe the file's bytes (null when it cannot be read).
  returned: always
  type: dict
  sample: {"path": "/local/notesdata/traveler/cfg/keystore.p12", "type": "PKCS12", "verdict": "ok", "exit": 0,
           "trusted_certificates": null, "certificates_sha256": null, "sha256": "9f86d081884c7d65...", "size": 2588}
truststore:
  description:
    - The stored truststore, as RV(keystore).
    - C(certificates_sha256) is what the audit compares - SHA-256 over the sorted fingerprints of the trusted
      certificates, in keytool's form (C(50:BE:F5:...)) - so two truststores that trust the same CAs are equal
      whatever their format (JKS, PKCS#12), aliases or file bytes. It is null when the store trusts nothing or could
      not be read completely.
  returned: always
  type: dict
  sample: {"path": "/local/notesdata/traveler/cfg/truststore.jks", "type": "JKS", "verdict": "ok", "exit": 0,
           "trusted_certificates": 1, "certificates_sha256": "50:BE:F5:33:DE:DB:17:1F:...", "sha256": "60303ae22b998861...",
           "size": 801}
ssl_check:
  description: The C(ssl check --json) document (schema in travelerUtil's C(docs/json.md)), secrets masked.
  returned: when a keystore or truststore is stored and C(ssl check) printed a report
  type: dict
  version_added: 1.1.0
  sample: {"status": "ok", "stores": [{"role": "truststore", "verdict": "ok", "certificates_sha256": "50:BE:F5:..."}]}
ssl_check_error:
  description: Why C(ssl check) printed no report (its exit code, class and error).
  returned: when a keystore or truststore is stored and C(ssl check) printed no report
  type: str
  version_added: 1.1.0
  sample: ssl check failed with exit code 78 (store)
check:
  description:
    - What M(travelerutil.traveler.check) returns, plus C(msg) when the check failed.
  returned: when O(check=true)
  type: dict
  contains:
    passed:
      description: Whether the verdict passed (V(degraded), a failover partner failing, does not).
      type: bool
      sample: true
    result:
      description: The report's C(result) (V(pass), V(degraded) or V(fail)).
      type: str
      sample: pass
    exit_code:
      description: travelerUtil's exit code.
      type: int
      sample: 0
    class:
      description: The failure class, or null.
      type: str
      sample: authentication
    hint:
      description: travelerUtil's advice for a failed verdict.
      type: str
      sample: "the server rejected the user name or password: ..."
    partners:
      description: The failover partners from the report's C(failover.servers), as M(travelerutil.traveler.check) returns them.
      type: list
      elements: dict
      sample: []
    report:
      description: The whole C(db check --json) document, secrets masked (absent when travelerUtil printed none).
      type: dict
      sample: {"result": "pass", "class": null, "exit_code": 0}
    msg:
      description: Why the check failed.
      type: str
      sample: db check failed with exit code 13 (authentication)
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.travelerutil.traveler.plugins.module_utils.travelerutil import (
    COMMON_ARGS, TravelerUtil, file_sha256, mask, run_check, ssl_facts,
)

FACTS = ('path', 'type', 'verdict', 'exit', 'trusted_certificates', 'certificates_sha256', 'sha256', 'size')


def store_facts(module, entry, checked):
    """One stored file: what `ssl check` found in it, and its bytes' SHA-256 and size."""
    facts = dict((k, None) for k in FACTS)
    if not isinstance(entry, dict) or not entry.get('path'):
        return facts
    path = entry['path']
    facts.update(path=path, type=entry.get('type'), sha256=file_sha256(module, path),
                 size=os.path.getsize(path) if os.path.isfile(path) else None)
    if isinstance(checked, dict):
        for k in ('type', 'verdict', 'exit', 'trusted_certificates', 'certificates_sha256'):
            facts[k] = checked.get(k)
    return facts


def main():
    argument_spec = dict(
        check=dict(type='bool', default=False),
        check_timeout=dict(type='int'),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    tu = TravelerUtil(module)
    db = tu.must('db show', ['db', 'show'])
    ssl = tu.must('ssl show', ['ssl', 'show'])
    checked_doc, checked, ssl_error = ssl_facts(tu, ssl)
    result = dict(
        changed=False,
        version=tu.version(),
        db=mask(db),
        ssl=mask(ssl),
        keystore=store_facts(module, ssl.get('keystore'), checked.get('keystore')),
        truststore=store_facts(module, ssl.get('truststore'), checked.get('truststore')),
    )
    if checked_doc is not None:
        result['ssl_check'] = mask(checked_doc)
    if ssl_error:
        result['ssl_check_error'] = ssl_error
    if module.params['check']:
        check, problem, _warnings = run_check(tu, module.params['check_timeout'])
        if problem:
            check['msg'] = problem
        result['check'] = check
    module.exit_json(**result)


if __name__ == '__main__':
    main()
