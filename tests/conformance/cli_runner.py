# SPDX-License-Identifier: Apache-2.0
"""cli_runner.py: the AWS CLI (awscli's own driver, the code behind the `aws` command) kept
running, so a conformance script can issue hundreds of CLI commands without paying the CLI's
start-up (about 1 s here) for each one: every command still goes through the CLI's argument
parsing, botocore's serialiser, SigV4 signer, response parser and output formatter.

Protocol on stdin/stdout (bash coproc, see lib.sh): a request is NUL-terminated arguments ended by
an empty argument; the reply is three NUL-terminated fields: exit status, stdout, stderr.
"""
import contextlib
import io
import sys

from awscli.clidriver import create_clidriver


def read_request(stream):
    args, cur = [], bytearray()
    while True:
        ch = stream.read(1)
        if not ch:
            return None
        if ch == b"\0":
            if not cur:
                return args
            args.append(cur.decode())
            cur = bytearray()
        else:
            cur += ch


def main():
    driver = create_clidriver()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        args = read_request(stdin)
        if args is None:
            return
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = driver.main(args)
            except SystemExit as e:  # argparse errors
                rc = e.code if isinstance(e.code, int) else 255
        for field in (str(rc), out.getvalue(), err.getvalue()):
            stdout.write(field.replace("\0", "").encode() + b"\0")
        stdout.flush()


if __name__ == "__main__":
    main()
