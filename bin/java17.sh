# Sourced by bin/ scripts: selects a Java 17 JDK explicitly (Spark 4.0 fails on the Java 25 that
# may also be installed) and exports JAVA_HOME and JAVA for Maven and the launcher.
if [ -z "${JAVA_HOME:-}" ] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q 'version "17'; then
  for candidate in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk* /usr/lib/jvm/*17*; do
    if [ -x "$candidate/bin/javac" ]; then
      JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/javac" ]; then
  echo "quantpipe: no Java 17 JDK under /usr/lib/jvm; install one with: apt-get install -y openjdk-17-jdk-headless" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
JAVA="$JAVA_HOME/bin/java"
