#!/usr/bin/env python3
"""Prints each failed test of the given TRX files with the head of its message and stack trace,
so a failure in an unattended run can be understood from the log alone."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
MESSAGE_LINES = 12
STACK_LINES = 8

for path in sys.argv[1:]:
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") != "Failed":
            continue
        print(f"--- FAILED {result.get('testName')} ({result.get('duration')})")
        info = result.find("t:Output/t:ErrorInfo", NS)
        for tag, limit in (("Message", MESSAGE_LINES), ("StackTrace", STACK_LINES)):
            node = None if info is None else info.find(f"t:{tag}", NS)
            if node is not None and node.text:
                for line in node.text.strip().splitlines()[:limit]:
                    print("    " + line)
        stdout = result.find("t:Output/t:StdOut", NS)
        if stdout is not None and stdout.text:
            for line in stdout.text.strip().splitlines()[-MESSAGE_LINES:]:
                print("    | " + line)
