#!/usr/bin/env bash
# Coverage-guided fuzzing of every Jazzer target for SECONDS each (default 60): bench/fuzz.sh 60 [PATTERN]
# (PATTERN, a grep pattern, picks targets, e.g. bench/fuzz.sh 300 Handshake).
#
# Jazzer fuzzes one @FuzzTest per JVM, so each target gets its own Maven run with JAZZER_FUZZ=1; the libFuzzer
# options go in as jazzer.internal.arg.N, as Jazzer's own launcher passes them. A finding fails that run and is
# written by Jazzer into the target's seed directory (src/test/resources/<package>/<Class>Inputs/<method>/crash-*),
# so `mvn verify` replays it from then on; inputs that found new coverage go to <module>/.cifuzz-corpus (not
# checked in). Prints the executions per target and lists the findings; exits 1 if there were any.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
pattern=${2:-.}
TARGETS=(
  "core org.bip324shaper.core.internal.packet.PacketDecoderFuzzTest#arbitraryStream"
  "core org.bip324shaper.core.internal.packet.PacketDecoderFuzzTest#encodedStream"
  "core org.bip324shaper.core.internal.handshake.HandshakeFuzzTest#genuinePeerAnyChunking"
  "core org.bip324shaper.core.internal.handshake.HandshakeFuzzTest#arbitraryBytes"
  "core org.bip324shaper.core.message.V1FrameDecoderFuzzTest#arbitraryStream"
  "core org.bip324shaper.core.message.V2MessageCodecFuzzTest#decodeContents"
  "core org.bip324shaper.core.trace.TraceFilesFuzzTest#read"
  "agent org.bip324shaper.agent.config.AgentConfigParserFuzzTest#parse"
  "agent org.bip324shaper.agent.probe.VersionMessageFuzzTest#parse"
  "bench org.bip324shaper.bench.shape.trace.PcapImporterFuzzTest#read"
)
logs=target/fuzz
mkdir -p "$logs"
findings() { find core agent bench -path '*/src/test/resources/*' -name 'crash-*' 2>/dev/null | sort; }
before=$(findings)
printf '%-72s %12s %8s  %s\n' target executions exec/s result
failed=0
for t in "${TARGETS[@]}"; do
  echo "$t" | grep -q -- "$pattern" || continue
  module=${t%% *}
  test=${t#* }
  log="$logs/${test##*.}.log"
  JAZZER_FUZZ=1 mvn -B -o -pl "$module" -am test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -DargLine=-Xmx1g -Djazzer.hooks=true -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
      -Djazzer.internal.arg.2=-print_final_stats=1 >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  if [ $rc -eq 0 ]; then result=ok; else result="FAILED (see $log)"; failed=1; fi
  printf '%-72s %12s %8s  %s\n' "$test" "${runs:-?}" "${rate:-?}" "$result"
done
new=$(comm -13 <(echo "$before") <(findings) | sed '/^$/d')
if [ -n "$new" ]; then
  echo "new findings (now regression inputs):"
  echo "$new"
fi
exit $failed
