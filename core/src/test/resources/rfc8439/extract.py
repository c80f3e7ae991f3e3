#!/usr/bin/env python3
"""Extracts the test vectors of RFC 8439 (sections 2.3.2-2.8.2 and Appendix A) from the RFC's text into vectors.txt:
one line per vector, 'section number field=hex ... counter=N'. Usage: extract.py rfc8439.txt > vectors.txt"""
import re
import sys

DUMP = re.compile(r'^\s*\d{3}  (.*)$')          # "000  76 b8 e0 ...  ascii"
BARE = re.compile(r'^\s*((?:[0-9A-F]{2} ){15}[0-9A-F]{2})\s*$')  # A.3 #5-#11: "FF FF ... FF"
COLON = re.compile(r'^\s*((?:[0-9a-f]{2}:)+[0-9a-f]{2}:?)\s*$')
COUNTER = re.compile(r'(?:Initial )?(?:Block )?Count(?:er)? = (\d+)')
SECTION = re.compile(r'^(2\.3\.2|2\.4\.2|2\.5\.2|2\.6\.2|2\.8\.2|A\.[1-5])\.?\s')
END = re.compile(r'^(2\.[0-9.]*|3\.|A\.[0-9]|Appendix B)\.?\s')
LABELS = {
    'key': 'key', 'the chacha20 key': 'key', 'one-time poly1305 key': 'key', 'r': 'r', 's': 's',
    'nonce': 'nonce', 'the nonce': 'nonce', 'iv': 'iv', '32-bit fixed-common part': 'fixed',
    'keystream': 'keystream', 'serialized block': 'keystream', 'output bytes': 'keystream',
    'plaintext': 'plaintext', 'plaintext sunscreen': 'plaintext', 'ciphertext': 'ciphertext',
    'ciphertext sunscreen': 'ciphertext', 'text to mac': 'text', 'data': 'text', 'message to be authenticated': 'text',
    'tag': 'tag', 'received tag': 'tag', 'poly1305 one-time key': 'polykey', 'aad': 'aad', 'the aad': 'aad', 'poly1305 key': 'polykey',
}


# Inputs the RFC gives inline in prose ("Key = 00:01:...") rather than as dumps, copied by hand from those sentences.
INLINE = {
    '2.3.2': {'key': bytes(range(32)).hex(), 'nonce': '000000090000004a00000000'},
    '2.4.2': {'key': bytes(range(32)).hex(), 'nonce': '000000000000004a00000000'},
    '2.5.2': {'key': '85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b',
              'tag': 'a8061dc1305136c6c22b8baf0c0127a9'},
}


def hex_of(dump_rest):
    out = []
    for tok in dump_rest.split(' '):
        if not re.fullmatch(r'[0-9a-f]{2}', tok):
            break
        out.append(tok)
    return ''.join(out)


def main(path):
    lines = open(path).read().split('\n')
    section, vector, fields, field, counter = None, 0, {}, None, None
    vectors = []

    def flush():
        if section and fields:
            vectors.append((section, vector, {**fields, **INLINE.get(section, {})}, counter))

    for line in lines:
        if line.startswith('Nir & Langley') or line.startswith('RFC 8439 '):
            continue
        m = SECTION.match(line)
        if m or END.match(line):
            flush()
            section = m.group(1) if m else None
            vector, fields, field, counter = 1, {}, None, None
            continue
        if section is None:
            continue
        m = re.match(r'^\s*Test Vector #(\d+)', line)
        if m:
            flush()
            vector, fields, field, counter = int(m.group(1)), {}, None, None
            continue
        m = COUNTER.search(line)
        if m:
            counter = int(m.group(1))
            continue
        m = DUMP.match(line)
        if m and field:
            fields[field] = fields.get(field, '') + hex_of(m.group(1))
            continue
        m = BARE.match(line)
        if m and field:
            fields[field] = fields.get(field, '') + m.group(1).replace(' ', '').lower()
            continue
        m = COLON.match(line)
        if m and field:
            fields[field] = fields.get(field, '') + m.group(1).replace(':', '')
            continue
        label = line.strip().rstrip(':').strip().lower()
        if label in LABELS:
            field = LABELS[label]
            if field in fields and field != 'keystream':
                fields[field] = ''
        elif line.strip():
            field = None  # prose, state matrices, ... end the current field
    flush()
    print('# RFC 8439 test vectors, extracted by extract.py from the RFC text. section vector field=hex ...')
    for section, vector, fields, counter in vectors:
        items = ' '.join(f'{k}={v}' for k, v in sorted(fields.items()) if v)
        print(f'{section} {vector} {items}' + (f' counter={counter}' if counter is not None else ''))


main(sys.argv[1])
