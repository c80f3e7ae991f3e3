#!/usr/bin/env bash
# JVM start-up cost of the agent: medians over RUNS runs of a hello-world, with and without
# -javaagent:bip324-agent.jar, interleaved so both see the same machine load.
# Reports wall time and CPU time (user+sys, all JVM threads): on a busy machine the wall time
# mostly measures the other processes, the CPU time much less so.
# Usage: agent/startup-bench.sh [RUNS] [JAVA]      (build first: mvn -pl agent -am package)
set -euo pipefail

runs=${1:-10}
java=${2:-${JAVA:-java}}
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/target/bip324-agent.jar"
[ -f "$jar" ] || { echo "missing $jar: run 'mvn -pl agent -am package' first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/Hello.java" <<'JAVA'
public class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
JAVA
javac_bin="$(dirname "$(readlink -f "$(command -v "$java")")")/javac"
[ -x "$javac_bin" ] || javac_bin=javac
"$javac_bin" --release 17 -d "$work" "$work/Hello.java"

# appends "wall_ms cpu_ms" of one run to file $1
measure() {
    local out=$1
    shift
    /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" > /dev/null 2>&1
    awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' "$work/t" >> "$out"
}

median() { # column $1 of file $2
    awk -v c="$1" '{ print $c }' "$2" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# untimed warm-up, so the page cache holds the JDK and the jar
measure "$work/warm" "$java" -cp "$work" Hello
measure "$work/warm" "$java" -javaagent:"$jar" -cp "$work" Hello

for _ in $(seq "$runs"); do
    measure "$work/plain" "$java" -cp "$work" Hello
    measure "$work/agent" "$java" -javaagent:"$jar" -cp "$work" Hello
done

pw=$(median 1 "$work/plain"); pc=$(median 2 "$work/plain")
aw=$(median 1 "$work/agent"); ac=$(median 2 "$work/agent")
echo "java:          $("$java" -version 2>&1 | head -1)"
echo "machine:       $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs:          $runs each, interleaved; medians"
printf "%-14s %8s %8s\n" "" "wall ms" "cpu ms"
printf "%-14s %8d %8d\n" "without agent" "$pw" "$pc"
printf "%-14s %8d %8d\n" "with agent" "$aw" "$ac"
printf "%-14s %8d %8d\n" "added" "$((aw - pw))" "$((ac - pc))"
