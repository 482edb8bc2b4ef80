import java.util.zip.ZipFile

// A fresh project with only the component and Logback: at most 40 jars (README states the number), none of the
// app's; and the component jar itself holds neither the app's nor the simulator's classes, nor a logging setup.
def artifacts = new File(basedir, 'target/runtime-dependencies.txt').readLines()
        .collect { it.trim() }.findAll { it =~ /^[\w.\-]+:[\w.\-]+:jar:/ }
        .collect { def p = it.split(':'); [group: p[0], artifact: p[1], version: p[p.length == 6 ? 4 : 3]] }
def files = artifacts.collect { a ->
    new File(localRepositoryPath, "${a.group.replace('.', '/')}/${a.artifact}/${a.version}/${a.artifact}-${a.version}.jar")
}
def mib = files.sum { it.length() } / (1024 * 1024)
println String.format('component-only: %d jars, %.1f MiB on the runtime class path', artifacts.size(), mib)
assert artifacts.size() <= 40 : "${artifacts.size()} jars: ${artifacts*.artifact}"
assert !artifacts.any { it.group == 'org.apache.logging.log4j' || it.artifact in ['slf4j-simple', 'camel-main', 'camel-yaml-dsl', 'camel-core'] }

def version = artifacts.find { it.artifact == 'camel-alvaria-messaging' }.version
def jar = new ZipFile(new File(localRepositoryPath,
        "io/github/camelalvaria/camel-alvaria-messaging/${version}/camel-alvaria-messaging-${version}.jar"))
def names = jar.entries().collect { it.name }
assert !names.any { it.startsWith('io/github/camelalvaria/messaging/app/') || it.startsWith('io/github/camelalvaria/messaging/simulator/') }
assert !names.any { it ==~ /(log4j2?|logback)(-test)?\.(xml|properties)|simplelogger\.properties/ } : 'a logging configuration in the component jar'
def index = jar.getInputStream(jar.getEntry('META-INF/jandex.idx')).bytes
def indexText = new String(index, 'ISO-8859-1')
['AlvariaSimulator', 'AlvariaMessagingApplication', 'FileToChatJavaRoute'].each {
    assert !indexText.contains(it) : "${it} in the component jar's Jandex index"
}
assert indexText.contains('AlvariaMessagingComponent') : 'the Jandex index misses the component'
assert names.contains('META-INF/spring-configuration-metadata.json')
assert names.contains('META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports')
true
