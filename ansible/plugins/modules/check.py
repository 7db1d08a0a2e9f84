#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: travelerutil contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: check
short_description: Prove a Traveler server's enterprise database reachable (travelerUtil db check)
version_added: 1.0.0
description:
  - Runs C(travelerUtil db check --json) on the managed host and returns the whole report, whatever sections the
    installed travelerUtil puts in it (HA readiness and failover sections included, when it has them).
  - The verdict is read from the report's top-level C(result) and C(exit_code).
  - Also tries a TCP connection from the managed host to every failover partner that the stored JDBC URL names
    (MySQL host lists, Db2 C(clientRerouteAlternateServerName), SQL Server C(failoverPartner)); see O(partners).
  - Never reports C(changed).
extends_documentation_fragment:
  - travelerutil.traveler.common
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: C(db check) only reads; it runs in check mode too.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  timeout:
    description:
      - Bound, in seconds, of the whole connection attempt (C(timeout=); travelerUtil's default is 10).
    type: int
  driver:
    description:
      - The ODBC driver to use this time (C(driver=)); else the stored one.
    type: str
  fail_on:
    description:
      - V(failure) fails the task when the verdict is a failure or a failover partner cannot be reached.
      - V(warning) also fails it when any check of the report is a warning.
      - V(never) always returns the report; read RV(passed).
    type: str
    choices: [failure, warning, never]
    default: failure
  partners:
    description:
      - Try a TCP connection from the managed host to each failover partner named in the stored URL.
    type: bool
    default: true
  partner_timeout:
    description:
      - Seconds to wait for each failover partner's TCP connection.
    type: float
    default: 3.0
seealso:
  - module: travelerutil.traveler.db
author:
  - travelerutil maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Gate before restarting Traveler
  travelerutil.traveler.check:
    timeout: 20

- name: Collect the report without failing (audits)
  travelerutil.traveler.check:
    fail_on: never
  register: traveler_check
'''

RETURN = r'''
report:
  description:
    - The whole C(db check --json) document (schema in travelerUtil's C(docs/json.md)), secrets masked.
    - Sections that later travelerUtil versions add are returned as they are.
  returned: when travelerUtil printed a report
  type: dict
  sample: {"result": "pass", "class": null, "exit_code": 0, "mode": "enterprise", "url": "jdbc:mysql://db.example.com/TRAVELER",
           "driver": {"name": "MariaDB Unicode", "family": "mariadb-odbc"}, "checks": [], "probe": {}, "verdict": null}
passed:
  description: Whether the verdict passed and every failover partner was reachable (and, with O(fail_on=warning), no warning).
  returned: always
  type: bool
  sample: true
result:
  description: The report's C(result) (V(pass) or V(fail)).
  returned: always
  type: str
  sample: pass
exit_code:
  description: travelerUtil's exit code (11 refused, 12 timeout, 13 authentication, 15 driver missing, ...).
  returned: always
  type: int
  sample: 0
class:
  description: The failure class of the verdict, or null when it passed.
  returned: always
  type: str
  sample: authentication
hint:
  description: travelerUtil's advice for a failed verdict.
  returned: when the verdict failed and travelerUtil gave a hint
  type: str
  sample: "the server rejected the user name or password: ..."
partners:
  description: The failover partners named by the stored URL and whether this member reached them.
  returned: always
  type: list
  elements: dict
  sample: [{"host": "db2b.example.com", "port": 50000, "source": "clientRerouteAlternateServerName", "reachable": true, "error": null}]
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.travelerutil.traveler.plugins.module_utils.travelerutil import (
    COMMON_ARGS, TravelerUtil, run_check,
)


def main():
    argument_spec = dict(
        timeout=dict(type='int'),
        driver=dict(type='str'),
        fail_on=dict(type='str', choices=['failure', 'warning', 'never'], default='failure'),
        partners=dict(type='bool', default=True),
        partner_timeout=dict(type='float', default=3.0),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    tu = TravelerUtil(module)
    result, problem, warnings = run_check(tu, p['timeout'], p['driver'], p['partners'], p['partner_timeout'])
    if 'report' not in result:
        # No report: the check could not even start (usage, damaged store, ...).
        module.fail_json(msg=problem, changed=False, rc=result['exit_code'], **result)
    if problem is None and warnings and p['fail_on'] == 'warning':
        problem = 'db check passed with warnings: ' + '; '.join(warnings)
    if problem and p['fail_on'] != 'never':
        module.fail_json(msg=problem, changed=False, **result)
    if problem:
        result['msg'] = problem
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
