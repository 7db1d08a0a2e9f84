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
  - Runs C(travelerUtil db check --json) on the managed host and returns the whole report, with its HA readiness and
    failover sections.
  - The verdict is travelerUtil's own, read from the report's top-level C(result) (V(pass), V(degraded) or V(fail))
    and C(exit_code) (9 when the primary passes but a failover partner fails).
  - The failover partners are the report's C(failover.servers) - every server the stored JDBC URL names (further
    Connector/J hosts, Db2 client-reroute alternates, SQL Server C(failoverPartner)). travelerUtil probes each of
    them from the managed host with a real database login, at the same time as the primary and within the same
    O(timeout), so a partner counts as reachable only when this member can log in there (or it answered as a
    standby).
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
      - V(failure) fails the task when the verdict is V(fail), or V(degraded) (a failover partner cannot be reached;
        see O(partners)).
      - V(warning) also fails it when any check of the report is a warning.
      - V(never) always returns the report; read RV(passed).
    type: str
    choices: [failure, warning, never]
    default: failure
  partners:
    description:
      - Whether the failover partners count. When V(false), a V(degraded) verdict (the primary passes, a partner
        fails) counts as passed; the partners are still probed and returned.
    type: bool
    default: true
  partner_timeout:
    description:
      - Ignored. travelerUtil probes every failover partner within O(timeout), at the same time as the primary.
      - Kept so that playbooks written for the collection's first release still run; it will be removed.
    type: float
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
  description: Whether the verdict passed (with O(partners=false), also when it is V(degraded)).
  returned: always
  type: bool
  sample: true
result:
  description: The report's C(result) (V(pass), V(degraded) or V(fail)); null when travelerUtil printed no report.
  returned: always
  type: str
  sample: pass
exit_code:
  description: travelerUtil's exit code (9 degraded, 10 a readiness line failed, 11 refused, 12 timeout, 13 authentication, ...).
  returned: always
  type: int
  sample: 0
class:
  description: The failure class of the verdict (V(degraded) for exit code 9), or null when it passed.
  returned: always
  type: str
  sample: authentication
hint:
  description: travelerUtil's advice for a failed verdict, or the HA-readiness lines that failed.
  returned: when the verdict failed and travelerUtil gave a hint
  type: str
  sample: "the server rejected the user name or password: ..."
partners:
  description:
    - The failover partners from the report's C(failover.servers) (every server but the primary), with travelerUtil's
      C(role), C(index), C(address), C(result) (V(pass), V(standby) or V(fail)), C(class) and C(detail).
    - C(reachable) is true for V(pass) and V(standby). C(host), C(port) and C(error) (the detail of a partner that
      failed) are there for playbooks written for the collection's first release.
  returned: always
  type: list
  elements: dict
  sample: [{"role": "alternate", "index": 1, "address": "db2b.example.com:50000", "result": "fail", "class": "refused",
            "detail": "refused: no TCP connection to the database port (refused, unreachable or filtered) after 2 ms",
            "reachable": false, "host": "db2b.example.com", "port": 50000, "error": "refused: ..."}]
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
        partner_timeout=dict(type='float', removed_in_version='2.0.0', removed_from_collection='travelerutil.traveler'),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    tu = TravelerUtil(module)
    result, problem, warnings = run_check(tu, p['timeout'], p['driver'], p['partners'])
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
