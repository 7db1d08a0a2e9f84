# -*- coding: utf-8 -*-
# Copyright: travelerutil contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The options every module of the collection takes: which travelerUtil, which store.
    DOCUMENTATION = r'''
options:
  binary:
    description:
      - Path of the C(travelerUtil) executable on the managed host.
      - When left out, C(travelerUtil) is searched on E(PATH) (set it with the play's C(environment) keyword if it is not there).
      - The SFTP helper C(travelerUtil-sftp) is not needed by these modules.
    type: path
  home:
    description:
      - The directory of the encrypted store (C(travelerUtil --home)).
      - When left out, travelerUtil finds the store itself, as documented in its README
        (E(TRAVELERUTIL_HOME), the data directory, else C(~/.config/travelerutil) of the remote user).
    type: path
  data_dir:
    description:
      - The Domino data directory (C(travelerUtil --data-dir)), where C(notes.ini) and C(traveler/) live.
    type: path
notes:
  - The module runs C(travelerUtil) as the remote user, with C(--no-input) so that it never waits at a prompt.
  - Passwords reach C(travelerUtil) on its standard input (C(pw=-) and the like), never in its arguments or environment.
requirements:
  - C(travelerUtil) on the managed host.
'''
