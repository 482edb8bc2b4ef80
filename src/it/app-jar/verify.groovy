import java.nio.file.Files
import java.nio.file.StandardCopyOption
import java.util.concurrent.TimeUnit

// The operator's way: `java -jar camel-alvaria-messaging-<v>-app.jar` in a folder with application.properties,
// routes/ and samples/ (copied from the checkout), nothing else. The embedded simulator (on a free port) receives the
// three samples, in the format of the jar's own simplelogger.properties; SIGTERM stops the app cleanly.
def root = new File(basedir, '../../..').canonicalFile
def jar = new File(root, 'target/app').listFiles().find { it.name.endsWith('-app.jar') }
assert jar : 'no target/app/*-app.jar'
def work = new File(basedir, 'run')
['application.properties', 'routes', 'samples'].each { name ->
    Files.walk(new File(root, name).toPath()).forEach { source ->
        def target = work.toPath().resolve(root.toPath().relativize(source))
        if (Files.isDirectory(source)) {
            Files.createDirectories(target)
        } else {
            Files.createDirectories(target.parent)
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING)
        }
    }
}
def log = new File(work, 'app.log')
def java = new File(System.getProperty('java.home'), 'bin/java').path
def process = new ProcessBuilder(java, '-Xmx256m', '-Dalvaria.simulator.port=0', '-Dalvaria.management.enabled=false',
                                 '-jar', jar.path)
        .directory(work).redirectErrorStream(true).redirectOutput(log).start()
def delivered = { log.readLines().findAll { it =~ /^\d\d:\d\d:\d\d\.\d{3} INFO delivered - Delivered / } }
try {
    def deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90)
    while (delivered().size() < 3 && process.isAlive() && System.nanoTime() < deadline) {
        process.waitFor(500, TimeUnit.MILLISECONDS)
    }
    assert delivered().size() == 3 : "the app delivered ${delivered()}; its log:\n${log.text}"
} finally {
    process.destroy()
    assert process.waitFor(40, TimeUnit.SECONDS) : 'the app did not stop on SIGTERM'
}
assert log.text.contains('Apache Camel (Main) 4.18.0 is shutdown')
println "app-jar: ${delivered().size()} samples delivered by java -jar ${jar.name}"
true
