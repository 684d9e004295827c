package io.conclave.launcher.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.loop.DeadLetters;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: the system's headless Chromium, driven through its chromedriver
 * (Debian packages {@code chromium} and {@code chromium-driver}; nothing is downloaded), against a
 * whole Conclave on a real broker. A task submitted through the page's form shows up COMPLETED with
 * its steps and its planner's decisions; a step waiting for approval is approved from the page and
 * its saga completes; a dead letter is re-driven from the page back to its topic. The screenshot is
 * {@code infra/launcher/target/dashboard.png}. Skipped, not failed, where Chromium is not
 * installed.
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

  private ConclaveSettings settings;
  private InProcessConclave conclave;

  @BeforeAll
  void start(ConclaveStack stack) throws Exception {
    settings = stack.isolated("dashboard");
    conclave = InProcessConclave.with(settings).workers(1).start();
  }

  @AfterAll
  void stop() throws Exception {
    conclave.close();
  }

  @Test
  void thePageIsServedToAnyoneWhileWritesStillNeedAToken() {
    Http anonymous = new Http(conclave.baseUrl(), null);

    HttpResponse<String> page = anonymous.get("/dashboard/index.html");
    HttpResponse<String> folder = anonymous.get("/dashboard/");
    HttpResponse<String> script = anonymous.get("/dashboard/dashboard.js");
    HttpResponse<String> write = anonymous.postJson("/tasks", "{\"prompt\":\"no token\"}");

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("<title>Conclave dashboard</title>");
    assertThat(folder.statusCode()).as(folder.body()).isEqualTo(200);
    assertThat(folder.body()).isEqualTo(page.body());
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("textContent");
    assertThat(write.statusCode()).isEqualTo(401);
  }

  @Test
  void aTaskSubmittedThroughThePageShowsUpCompletedWithItsSteps() throws Exception {
    assumeChromium();
    WebDriver browser = chromium();
    try {
      WebDriverWait wait = waitOn(browser);
      browser.get(conclave.baseUrl() + "/dashboard/index.html");

      // Given: without a token the API refuses the task, and the page says why
      String prompt = "Why is the sky <b>blue</b>?";
      browser.findElement(By.id("prompt")).sendKeys(prompt);
      browser.findElement(By.id("task-id")).sendKeys("dash-1");
      browser.findElement(By.id("submit")).click();
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("submit-result"), "refused: 401"));

      // When
      browser.findElement(By.id("token")).sendKeys(Http.WRITER_TOKEN);
      browser.findElement(By.id("submit")).click();

      // Then
      wait.until(ExpectedConditions.textToBe(By.id("submit-result"), "accepted: dash-1"));
      By status = By.cssSelector("#tasks tr[data-task='dash-1'] .status");
      wait.until(ExpectedConditions.textToBe(status, "COMPLETED"));
      browser.findElement(By.cssSelector("#tasks tr[data-task='dash-1']")).click();
      wait.until(
          ExpectedConditions.numberOfElementsToBe(
              By.cssSelector("#detail-steps tr[data-step]"), 3));
      List<WebElement> steps = browser.findElements(By.cssSelector("#detail-steps tr[data-step]"));
      assertThat(steps)
          .extracting(s -> s.findElements(By.tagName("td")).get(1).getText())
          .containsExactly("research", "analysis", "write");
      assertThat(steps)
          .extracting(s -> s.findElements(By.tagName("td")).get(3).getText())
          .containsOnly("COMPLETED");
      assertThat(browser.findElement(By.id("detail-id")).getText()).isEqualTo("saga-dash-1");
      // what the API returns is shown as text, never parsed as markup
      WebElement summary = browser.findElement(By.id("detail-summary"));
      assertThat(summary.getText()).contains(prompt);
      assertThat(summary.findElements(By.tagName("b"))).isEmpty();

      // and an agent that decided nothing: the API's 404 is shown in the agents' panel
      WebElement agentId = browser.findElement(By.id("agent-id"));
      agentId.sendKeys("nobody-0");
      browser.findElement(By.id("agent-show")).click();
      By agentsError = By.cssSelector("#agents-section [data-error]");
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              agentsError, "404: agent 'nobody-0' had recorded no decision"));
      // while the saga's planner opens there: its state and recent decisions, this saga's among
      // them
      By planner = By.cssSelector("#detail-agents button[data-agent]");
      wait.until(ExpectedConditions.presenceOfElementLocated(planner));
      String plannerId = browser.findElement(planner).getText();
      assertThat(plannerId).matches("planner-\\d+");
      click(wait, planner);
      wait.until(ExpectedConditions.textToBe(By.id("agent-title"), plannerId));
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("agent-state"), "decisions folded"));
      wait.until(ExpectedConditions.textToBe(agentsError, ""));
      assertThat(browser.findElement(By.id("agent-fold")).getText()).isNotBlank();
      wait.until(
          page ->
              page.findElements(By.cssSelector("#agent-decisions tr[data-sequence]")).stream()
                  .anyMatch(
                      r ->
                          r.findElements(By.tagName("td")).get(2).getText().equals("saga-dash-1")));

      wait.until(
          ExpectedConditions.presenceOfElementLocated(
              By.cssSelector("#sagas tr[data-saga='saga-dash-1']")));
      assertThat(browser.findElements(By.cssSelector("#leaders tr[data-shard]"))).isNotEmpty();
      wait.until(ExpectedConditions.attributeToBe(By.id("dead-letters"), "data-loaded", "true"));
      wait.until(ExpectedConditions.attributeToBe(By.id("breakers"), "data-loaded", "true"));
      wait.until(ExpectedConditions.attributeToBe(By.id("knowledge"), "data-loaded", "true"));
      // a section may show a passing 503 (the knowledge store rebalancing at start), gone at its
      // next refresh
      wait.until(
          page ->
              page.findElements(By.cssSelector("section [data-error]")).stream()
                  .allMatch(e -> e.getText().isEmpty()));

      Files.createDirectories(SCREENSHOT.getParent());
      File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
      assertThat(SCREENSHOT).isNotEmptyFile();
    } finally {
      browser.quit();
    }
  }

  @Test
  void aStepAwaitingApprovalIsApprovedFromThePageAndTheSagaCompletes() throws Exception {
    // Given: a saga that waits for a sign-off after its first step
    assumeChromium();
    HttpResponse<String> started =
        new Http(conclave.baseUrl(), Http.WRITER_TOKEN)
            .postJson(
                "/sagas",
                """
        {"taskId": "dash-approve", "prompt": "needs a sign-off", "steps": [
          {"agentType": "research", "action": "gather", "compensation": "discard"},
          {"approval": "sign-off"},
          {"agentType": "write", "action": "draft", "compensation": "retract"}]}""");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    WebDriver browser = chromium();
    try {
      WebDriverWait wait = waitOn(browser);
      browser.get(conclave.baseUrl() + "/dashboard/index.html");
      click(wait, By.cssSelector("#sagas tr[data-saga='saga-dash-approve']"));
      By approve =
          By.cssSelector("#detail-steps tr[data-step='1'] button[data-decision='approve']");
      wait.until(ExpectedConditions.presenceOfElementLocated(approve));
      assertThat(browser.findElements(By.cssSelector("#detail-steps button[data-decision]")))
          .as("only the waiting step offers a decision")
          .hasSize(2);
      // without a token the API refuses, and the page says why
      click(wait, approve);
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("approval-result"),
              "refused: 401: POST " + "/sagas/saga-dash-approve/approvals/1 needs an API token"));

      // When
      browser.findElement(By.id("token")).sendKeys(Http.WRITER_TOKEN);
      browser.findElement(By.id("approval-comment")).sendKeys("fine by me");
      click(wait, approve);

      // Then
      wait.until(
          ExpectedConditions.textToBe(
              By.id("approval-result"), "approved step 1 of saga-dash-approve"));
      wait.until(
          ExpectedConditions.textToBe(
              By.cssSelector("#sagas tr[data-saga='saga-dash-approve'] td:nth-child(3)"),
              "COMPLETED"));
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.cssSelector("#detail-steps tr[data-step='1'] td:nth-child(5)"), "fine by me"));
      wait.until(
          ExpectedConditions.textToBe(
              By.cssSelector("#detail-steps tr[data-step='2'] td:nth-child(4)"), "COMPLETED"));
      assertThat(browser.findElements(By.cssSelector("#detail-steps button[data-decision]")))
          .isEmpty();
      assertThat(browser.findElement(By.id("approval-controls")).isDisplayed()).isFalse();
    } finally {
      browser.quit();
    }
  }

  @Test
  void aDeadLetterIsReDrivenFromThePageBackToItsTopic() throws Exception {
    // Given: a record the shard leader cannot read, so it dead-letters it
    assumeChromium();
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    RecordMetadata poison =
        conclave
            .client()
            .send(
                new ProducerRecord<>(
                    settings.topics().tasks(),
                    "dash-poison".getBytes(StandardCharsets.UTF_8),
                    garbage));
    String sourcePartition = settings.topics().tasks() + "-" + poison.partition() + "@";
    WebDriver browser = chromium();
    try {
      WebDriverWait wait = waitOn(browser);
      browser.get(conclave.baseUrl() + "/dashboard/index.html");
      browser.findElement(By.id("token")).sendKeys(Http.WRITER_TOKEN);
      String letter = wait.until(page -> deadLetterFrom(page, sourcePartition + poison.offset()));
      By redrive = By.cssSelector("#dead-letters button[data-redrive='" + letter + "']");
      // a writer may not re-drive: the page says which role it takes
      click(wait, redrive);
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("redrive-result"),
              "refused: 403: POST "
                  + "/admin/dead-letters/"
                  + letter.replace('@', '/')
                  + "/redrive needs the role admin"));

      // When
      WebElement token = browser.findElement(By.id("token"));
      token.clear();
      token.sendKeys(Http.ADMIN_TOKEN);
      click(wait, redrive);

      // Then: the record is back on its topic and partition, as it was, and its consumer read it
      // again (still garbage, so dead-lettered again from its new offset)
      String prefix = "re-drove " + letter + " to " + sourcePartition;
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("redrive-result"), prefix));
      long again =
          Long.parseLong(
              browser.findElement(By.id("redrive-result")).getText().substring(prefix.length()));
      assertThat(again).isGreaterThan(poison.offset());
      List<ConsumerRecord<byte[], byte[]>> written = new ArrayList<>();
      TopicScan.scan(
          settings.kafka(),
          new TopicPartition(settings.topics().tasks(), poison.partition()),
          again,
          again + 1,
          written::add);
      assertThat(written)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.value()).isEqualTo(garbage);
                assertThat(
                        new String(
                            r.headers().lastHeader(DeadLetters.REDRIVEN_FROM).value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo(settings.topics().deadLetters() + "-" + letter);
              });
      wait.until(page -> deadLetterFrom(page, sourcePartition + again));
    } finally {
      browser.quit();
    }
  }

  /**
   * The partition@offset of the dead letter the page lists as coming from {@code source}, or null.
   */
  private static String deadLetterFrom(WebDriver page, String source) {
    return page.findElements(By.cssSelector("#dead-letters tr[data-dead-letter]")).stream()
        .filter(r -> r.findElements(By.tagName("td")).get(1).getText().equals(source))
        .map(r -> r.getAttribute("data-dead-letter"))
        .findFirst()
        .orElse(null);
  }

  /**
   * Clicks {@code what} once it is there, again if it was redrawn between being found and clicked.
   */
  private static void click(WebDriverWait wait, By what) {
    wait.until(
        page -> {
          page.findElement(what).click();
          return true;
        });
  }

  private static WebDriverWait waitOn(WebDriver browser) {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90), Duration.ofMillis(200));
    wait.withMessage(
        () -> "the page showed:\n" + browser.findElement(By.tagName("body")).getText());
    // the page redraws its tables as it polls: an element found may be gone by the time it is read
    // or clicked
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  private static void assumeChromium() {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Chromium and its driver (apt-get install chromium chromium-driver): "
            + CHROMIUM
            + ", "
            + CHROMEDRIVER);
  }

  /**
   * Headless Chromium through the installed chromedriver: Selenium Manager has nothing to find or
   * download.
   */
  private static WebDriver chromium() {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--window-size=1400,1800");
    return new ChromeDriver(service, options);
  }
}
