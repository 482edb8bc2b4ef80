// The user's camel-main app: Logback alone binds SLF4J, the user's format prints the route's log step, and what the
// component brings to the runtime class path is the component's alone, without version skew.
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert !log.contains('SLF4J(W)') : 'SLF4J warned (several providers?)'
assert !log.contains('multiple SLF4J providers')
assert log =~ /USER-FORMAT\|INFO\|notify-customer\|sending 'Your order has shipped' to interaction 4321/ : "the route's log step is not in the user's logback.xml format"
assert log =~ /USER-FORMAT\|INFO\|\w+\|/ && !(log =~ /(?m)^\d\d:\d\d:\d\d\.\d{3} INFO /) : 'a line in another logging configuration'

def artifacts = new File(basedir, 'target/runtime-dependencies.txt').readLines()
        .collect { it.trim() }.findAll { it =~ /^[\w.\-]+:[\w.\-]+:jar:/ }
        .collect { def p = it.split(':'); [group: p[0], artifact: p[1], version: p[p.length == 6 ? 4 : 3]] }
def app = artifacts.findAll { a ->
    a.group == 'org.apache.logging.log4j' || a.group.startsWith('org.apache.artemis') || a.group.startsWith('io.vertx') ||
    a.group.startsWith('io.netty') || a.group.startsWith('org.springframework') || a.group == 'io.prometheus' ||
    a.artifact in ['camel-mail', 'camel-jms', 'camel-kamelet', 'camel-platform-http-main', 'camel-platform-http-vertx',
                   'camel-micrometer-prometheus', 'camel-kafka', 'commons-collections',
                   'micrometer-registry-prometheus', 'slf4j-simple']
}
assert app.isEmpty() : "the app's dependencies reached a user's project: ${app}"
['org.apache.camel', 'io.micrometer', 'org.apache.httpcomponents.client5', 'org.slf4j'].each { group ->
    def versions = artifacts.findAll { it.group == group }*.version.unique()
    assert versions.size() <= 1 : "version skew in ${group}: ${versions}"
}
def jackson = artifacts.findAll { it.group.startsWith('com.fasterxml.jackson') && it.artifact != 'jackson-annotations' }*.version.unique()
assert jackson.size() <= 1 : "version skew in Jackson: ${jackson}"
println "camel-main-logback: ${artifacts.size()} jars on the runtime class path"
true
