"""Test machinery shared by the test suite (tests/) and the long-running tools (make fuzz, make bench).

Hostile-input generators, schema-evolution cases, a newer contract built in
memory and hand-rolled wire encoding live here, so that tools/ never imports
tests/.
"""
