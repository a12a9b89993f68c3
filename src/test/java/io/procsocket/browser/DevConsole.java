package io.procsocket.browser;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drives console.html through its stable element ids, the way a person would: typing, Enter, the file
 * chooser, buttons. Every wait is bounded ({@link HeadlessChromium#WAIT}).
 */
final class DevConsole {
    private final ChromeDriver driver;
    private final WebDriverWait wait;

    DevConsole(HeadlessChromium chromium) {
        this.driver = chromium.driver();
        this.wait = chromium.waiting();
    }

    /** Loads the console from the gateway (any plain GET serves it with --devconsole). */
    DevConsole open(URI page) {
        driver.get(page.toString());
        wait.until(ExpectedConditions.attributeToBe(By.id("state"), "data-state", "CLOSED"));
        return this;
    }

    /**
     * Records every readyState the badge shows from now on (a MutationObserver in the page), so a
     * test can check the whole sequence without racing the page.
     */
    void recordStates() {
        // Each record's added text node, not the badge's current text: records of one task arrive
        // together, and reading the badge then would miss the states in between.
        js().executeScript("var s = document.getElementById('state'); window.__states = [s.textContent];"
                + "new MutationObserver(function (records) { records.forEach(function (r) {"
                + "  r.addedNodes.forEach(function (n) { window.__states.push(n.textContent); }); }); })"
                + ".observe(s, {childList: true});");
    }

    @SuppressWarnings("unchecked")
    List<String> recordedStates() {
        return (List<String>) js().executeScript("return window.__states;");
    }

    String url() {
        return driver.findElement(By.id("url")).getDomProperty("value");
    }

    void connect() {
        driver.findElement(By.id("connect")).click();
    }

    void connect(String url) {
        WebElement field = driver.findElement(By.id("url"));
        field.clear();
        field.sendKeys(url, Keys.ENTER);
    }

    /** Types {@code token} into the token field (a password field: the page never shows it). */
    void token(String token) {
        WebElement field = driver.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
    }

    /** Everything the log shows, as text. */
    String logText() {
        return text(driver.findElement(By.id("log")));
    }

    /** Ticks (or clears) the procsocket.v1 box: the next connect goes through the client library. */
    void protocol(boolean on) {
        WebElement box = driver.findElement(By.id("protocol"));
        if (box.isSelected() != on) {
            box.click();
        }
    }

    void eof() {
        wait.withMessage("the EOF button enabled").until(ExpectedConditions.elementToBeClickable(By.id("eof"))).click();
    }

    void signal(String name) {
        wait.withMessage("the signal controls enabled").until(ExpectedConditions.elementToBeClickable(By.id("signal")));
        new Select(driver.findElement(By.id("signal"))).selectByVisibleText(name);
        driver.findElement(By.id("send-signal")).click();
    }

    /** The texts of the protocol's output entries of one stream ("stdout" or "stderr"), oldest first. */
    @SuppressWarnings("unchecked")
    List<String> output(String stream) {
        // One round trip for them all: the resume test polls this while a hundred entries pile up.
        return (List<String>) js().executeScript("return Array.from(document.querySelectorAll("
                + "\"#log li[data-kind='\" + arguments[0] + \"'] .text\"), function (e) { return e.textContent; });", stream);
    }

    /** The seq of every output entry of either stream, in the order shown. */
    @SuppressWarnings("unchecked")
    List<Long> seqs() {
        return (List<Long>) js().executeScript("return Array.from(document.querySelectorAll("
                + "\"#log li[data-kind='stdout'], #log li[data-kind='stderr']\"), function (e) {"
                + " return Number(e.getAttribute('data-seq')); });");
    }

    String state() {
        return driver.findElement(By.id("state")).getText();
    }

    void awaitState(String state) {
        wait.withMessage("readyState " + state).until(ExpectedConditions.textToBe(By.id("state"), state));
    }

    /** Types the message and presses Enter (the keyboard path, not the button). */
    void sendText(String text) {
        WebElement field = driver.findElement(By.id("message"));
        field.sendKeys(text, Keys.ENTER);
    }

    /** Presses ArrowUp {@code times} in the message field. */
    void recall(int times) {
        WebElement field = driver.findElement(By.id("message"));
        for (int i = 0; i < times; i++) {
            field.sendKeys(Keys.ARROW_UP);
        }
    }

    String messageField() {
        return driver.findElement(By.id("message")).getDomProperty("value");
    }

    void binaryType(String type) {
        new Select(driver.findElement(By.id("binary-type"))).selectByValue(type);
    }

    void sendFile(Path file) {
        driver.findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
        driver.findElement(By.id("send-file")).click();
    }

    void close(String code, String reason) {
        WebElement codeField = driver.findElement(By.id("close-code"));
        codeField.clear();
        codeField.sendKeys(code);
        WebElement reasonField = driver.findElement(By.id("close-reason"));
        reasonField.clear();
        reasonField.sendKeys(reason);
        driver.findElement(By.id("close")).click();
    }

    String buffered() {
        return driver.findElement(By.id("buffered")).getText();
    }

    /** Log entries of one kind (open, message, sent, error, close, drained, ...), oldest first. */
    List<WebElement> entries(String kind) {
        return driver.findElements(By.cssSelector("#log li[data-kind='" + kind + "']"));
    }

    /** Waits until at least {@code count} entries of {@code kind} are logged and returns them all. */
    List<WebElement> awaitEntries(String kind, int count) {
        wait.withMessage(count + " log entries of kind " + kind)
                .until(d -> entries(kind).size() >= count);
        return entries(kind);
    }

    WebElement awaitEntry(String kind) {
        return awaitEntries(kind, 1).get(0);
    }

    /** Received text messages, exactly as the page holds them (textContent, not rendered text). */
    List<String> receivedTexts() {
        return driver.findElements(By.cssSelector("#log li[data-kind='message'][data-text] .text")).stream()
                .map(DevConsole::text).toList();
    }

    List<String> awaitReceivedTexts(int count) {
        wait.withMessage(count + " text messages").until(d -> receivedTexts().size() >= count);
        return receivedTexts();
    }

    /** Received binary messages whose hex preview is on the page. */
    List<WebElement> awaitBinaries(int count) {
        wait.withMessage(count + " binary messages with their hex preview")
                .until(d -> driver.findElements(By.cssSelector("#log li[data-binary][data-hex-ready]")).size() >= count);
        return driver.findElements(By.cssSelector("#log li[data-binary]"));
    }

    static String text(WebElement element) {
        return element.getDomProperty("textContent");
    }

    /** The main text of a log entry, without its time and tag. */
    static String body(WebElement entry) {
        return text(entry.findElement(By.cssSelector(".text")));
    }

    static String hexOf(WebElement binaryEntry) {
        return text(binaryEntry.findElement(By.cssSelector(".hex")));
    }

    Object script(String script) {
        return js().executeScript(script);
    }

    WebDriverWait waiting() {
        return wait;
    }

    private JavascriptExecutor js() {
        return driver;
    }
}
