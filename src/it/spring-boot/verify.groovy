// The Spring Boot app started (no log4j-slf4j2-impl beside Boot's log4j-to-slf4j), delivered, and the component's
// IDE metadata carries the catalog's descriptions in kebab case.
import groovy.json.JsonSlurper
import java.util.zip.ZipFile

def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert !log.contains('log4j-slf4j2-impl cannot be present')
assert !log.contains('SLF4J(W)')

def version = new File(basedir, 'pom.xml').text.find(/(?s)camel-alvaria-messaging<\/artifactId>\s*<version>([^<]+)/) { all, v -> v }
def jar = new ZipFile(new File(localRepositoryPath,
        "io/github/camelalvaria/camel-alvaria-messaging/${version}/camel-alvaria-messaging-${version}.jar"))
def metadata = new JsonSlurper().parse(jar.getInputStream(jar.getEntry('META-INF/spring-configuration-metadata.json')))
def orgId = metadata.properties.find { it.name == 'camel.component.alvaria-messaging.org-id' }
assert orgId && orgId.type == 'java.lang.String' && orgId.description
def entityType = metadata.hints.find { it.name == 'camel.component.alvaria-messaging.entity-type' }
assert entityType.values*.value == ['Agent', 'Monitor', 'System']
true
