#!/bin/sh
# OpenSSL's ChaCha20-Poly1305 throughput for the contents sizes of PacketCipherBenchmark, in MB/s (10^6 bytes/s),
# the unit of the benchmark's contentBytes rate (bytes/us), so the two can be put side by side.
#
# `openssl speed -evp` times EVP_EncryptUpdate on one buffer (no per-message init or tag); `-aead` (OpenSSL 3+) times
# a TLS-like init + AAD + update + tag per message, closer to one packet. Both are printed; use the first to compare
# against the plain -evp figures.
# Timing is wall-clock (-elapsed) by default, as JMH's is: plain `openssl speed` divides by its own CPU time, which on
# a loaded machine overstates it against a JMH run beside it. TIMING=cpu gives CPU-time rates, the unit of
# org.bip324shaper.bench.PacketCipherCpuTime.
# Usage: [TIMING=cpu] bench/openssl-speed.sh [seconds per size, default 3]
set -eu
seconds=${1:-3}
elapsed=-elapsed
[ "${TIMING:-elapsed}" = cpu ] && elapsed=""

printf '%-9s %12s %12s   %s\n' size evp_MB/s aead_MB/s "($(openssl version))"
for n in 32 256 4096 1048576; do
    evp=$(openssl speed $elapsed -mr -seconds "$seconds" -evp chacha20-poly1305 -bytes "$n" 2>/dev/null | awk -F: '/^\+F:/ {print $4}')
    aead=$(openssl speed $elapsed -mr -aead -seconds "$seconds" -evp chacha20-poly1305 -bytes "$n" 2>/dev/null \
        | awk -F: '/^\+F:/ {print $4}')
    # -mr prints bytes/s
    printf '%-9s %12.1f %12.1f\n' "$n" "$(echo "$evp / 1000000" | bc -l)" "$(echo "${aead:-0} / 1000000" | bc -l)"
done
