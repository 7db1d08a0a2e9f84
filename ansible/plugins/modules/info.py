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
  - Adds the SHA-256 of the keystore and truststore files, so that an audit compares their content, not their paths.
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
options: {}
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
  description: The stored keystore file, with the SHA-256 of its bytes (null when it cannot be read).
  returned: always
  type: dict
  sample: {"path": "/local/notesdata/traveler/cfg/keystore.p12", "sha256": "9f86d081884c7d65...", "size": 2588}
truststore:
  description: The stored truststore file, with the SHA-256 of its bytes (null when it cannot be read).
  returned: always
  type: dict
  sample: {"path": "/local/notesdata/traveler/cfg/truststore.jks", "sha256": "60303ae22b998861...", "size": 801}
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.travelerutil.traveler.plugins.module_utils.travelerutil import (
    COMMON_ARGS, TravelerUtil, file_sha256, mask,
)


def file_facts(module, entry):
    if not isinstance(entry, dict) or not entry.get('path'):
        return dict(path=None, sha256=None, size=None)
    path = entry['path']
    # A later travelerUtil may report the stamp it keeps; prefer it to reading the file again.
    sha = entry.get('sha256') or file_sha256(module, path)
    size = os.path.getsize(path) if os.path.isfile(path) else None
    return dict(path=path, sha256=sha, size=size)


def main():
    module = AnsibleModule(argument_spec=dict(COMMON_ARGS), supports_check_mode=True)
    tu = TravelerUtil(module)
    db = tu.must('db show', ['db', 'show'])
    ssl = tu.must('ssl show', ['ssl', 'show'])
    module.exit_json(
        changed=False,
        version=tu.version(),
        db=mask(db),
        ssl=mask(ssl),
        keystore=file_facts(module, ssl.get('keystore')),
        truststore=file_facts(module, ssl.get('truststore')),
    )


if __name__ == '__main__':
    main()
