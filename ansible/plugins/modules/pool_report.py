#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: travelerutil contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pool_report
short_description: Compare the travelerUtil facts of every member of a Traveler HA pool
version_added: 1.0.0
description:
  - Runs on the controller (an action plugin). It reads, for every member, the results registered from
    M(travelerutil.traveler.info) and M(travelerutil.traveler.check), and checks that the pool is consistent.
  - "Every member must have: the same normalised JDBC URL (host names compared case-insensitively), the same database
    user, the same ODBC driver family, the same truststore content, a passing C(db check), a passing C(ssl check) of
    its stored keystore and truststore, and every failover partner reachable from it."
  - The truststore content is C(certificates_sha256) of C(ssl check) (from M(travelerutil.traveler.info)), one digest
    of the certificates the truststore trusts, so two truststores holding the same CAs compare equal whatever their
    path, format or file bytes; the table shows its first 12 hex digits.
  - The failover partners are those of each member's C(db check) report (C(failover.servers)), which that member
    probed itself with a real login; a V(degraded) verdict (exit code 9) is a partner that failed.
  - Prints one table, members as rows and those facts as columns, with the cells that differ from the pool marked C(*)
    and the rows of members with a problem marked C(!).
  - A member whose results are missing, or were registered as unreachable, is reported as unreachable, not skipped.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Only compares; runs in check mode too.
  diff_mode:
    support: none
  platform:
    platforms: all
options:
  members:
    description:
      - The inventory names of the pool's members.
    type: list
    elements: str
    required: true
  info_var:
    description:
      - The name of the variable each member registered from M(travelerutil.traveler.info).
    type: str
    default: traveler_info
  check_var:
    description:
      - The name of the variable each member registered from M(travelerutil.traveler.check) (with O(travelerutil.traveler.check#module:fail_on=never)).
      - When a member has no such variable, the C(check) result inside its O(info_var) is used
        (M(travelerutil.traveler.info) with O(travelerutil.traveler.info#module:check=true)).
    type: str
    default: traveler_check
  fail_on:
    description:
      - V(inconsistent) fails the task when any member differs, fails or is unreachable; V(never) only reports.
    type: str
    choices: [inconsistent, never]
    default: inconsistent
seealso:
  - module: travelerutil.traveler.info
  - module: travelerutil.traveler.check
author:
  - travelerutil maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Gather from every member
  hosts: traveler_pool
  gather_facts: false
  ignore_unreachable: true
  tasks:
    - name: Facts and the database check, in one module run
      travelerutil.traveler.info:
        check: true
      register: traveler_info
      ignore_errors: true

- name: Compare
  hosts: localhost
  gather_facts: false
  tasks:
    - name: One table, non-zero exit when the pool is inconsistent
      travelerutil.traveler.pool_report:
        members: "{{ groups['traveler_pool'] }}"
'''

RETURN = r'''
consistent:
  description: Whether every member was reachable, passing and equal to the others.
  returned: always
  type: bool
  sample: false
table:
  description: The printed table, one line per element.
  returned: always
  type: list
  elements: str
  sample: ["   host       reach  url                                    user     driver        truststore    check  partners"]
members:
  description: The compared facts of each member (keys are inventory names).
  returned: always
  type: dict
  sample: {"traveler1": {"reach": "ok", "url": "jdbc:mysql://db.example.com:3306/TRAVELER", "user": "lnt",
           "driver": "mariadb-odbc", "truststore": "50bef533dedb", "check": "pass", "partners": "ok (1)"}}
differences:
  description: One entry per member and fact that differs from the pool's value (the most common one).
  returned: always
  type: list
  elements: dict
  sample: [{"host": "traveler3", "fact": "url", "value": "jdbc:mysql://db.example.com:3306/OTHER",
            "pool_value": "jdbc:mysql://db.example.com:3306/TRAVELER"}]
problems:
  description: >-
    Members that are unreachable, whose facts could not be read, whose C(db check) or C(ssl check) failed, or from which a
    failover partner is unreachable.
  returned: always
  type: list
  elements: dict
  sample: [{"host": "traveler2", "problem": "unreachable", "detail": "Failed to connect to the host via ssh"}]
'''

from ansible.module_utils.basic import AnsibleModule


def main():
    # The work is done by the action plugin of the same name, on the controller; reaching this
    # code means the action plugin was not found.
    module = AnsibleModule(
        argument_spec=dict(
            members=dict(type='list', elements='str', required=True),
            info_var=dict(type='str', default='traveler_info'),
            check_var=dict(type='str', default='traveler_check'),
            fail_on=dict(type='str', choices=['inconsistent', 'never'], default='inconsistent'),
        ),
        supports_check_mode=True,
    )
    module.fail_json(msg='travelerutil.traveler.pool_report runs on the controller as an action plugin; '
                         'call it by its full name so that Ansible finds the plugin')


if __name__ == '__main__':
    main()
