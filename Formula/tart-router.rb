# Homebrew formula for tart-router: spreads GitHub Actions jobs over several tart-executor Macs.
# Install: brew tap <owner>/tart-executor <this repository's URL>; brew install tart-router
class TartRouter < Formula
  desc "Forward GitHub Actions workflow_job webhooks to the tart-executor Mac with room"
  homepage "https://www.npmjs.com/package/tart-executor"
  # The router ships in the tart-executor package; this formula installs it and links only tart-router.
  license "MIT"
  # Stable `url` and `sha256` are written above `license` by `scripts/release`, from the very
  # tarball it packs for `npm publish`. Until the first release there is only HEAD:
  #   brew install --HEAD tart-router
  # The tap is a git clone of this repository (this file is in its Formula/ folder), so HEAD
  # builds that clone's main branch: no repository URL to keep in step with where it is hosted.
  head "file://#{File.expand_path("..", __dir__)}", using: :git, branch: "main"

  # The router starts no VMs, so it needs neither tart nor Apple Silicon.
  depends_on :macos
  depends_on "node"

  def install
    if build.head?
      # A checkout has no dist/: build it first with the lockfile's dev dependencies (TypeScript).
      # std_npm_args then packs the checkout (`npm pack`, so only package.json's `files`) and
      # installs that tarball as it installs the published one.
      system "npm", "ci", "--ignore-scripts"
      system "npm", "run", "build"
    end
    system "npm", "install", *std_npm_args
    bin.install_symlink libexec/"bin/tart-router"
  end

  def post_install
    (var/"log").mkpath
    config = etc/"tart-router.yaml"
    # Never overwrite the operator's configuration on reinstall or upgrade.
    cp libexec/"lib/node_modules/tart-executor/tart-router.example.yaml", config unless config.exist?
  end

  def caveats
    <<~EOS
      Edit the configuration (webhook secret, executors and their priorities):
        #{etc}/tart-router.yaml
      then check it and the executors it forwards to:
        tart-router doctor --config #{etc}/tart-router.yaml
      and start it:
        brew services start tart-router
      Logs: #{var}/log/tart-router.log and #{var}/log/tart-router.err.log
      On macOS 15+, allow "node" when macOS asks for Local Network access, or executors cannot be reached.
    EOS
  end

  service do
    run [opt_bin/"tart-router", "--config", etc/"tart-router.yaml"]
    # Restart after a crash, but not after an exit. launchd's KeepAlive cannot tell exit codes
    # apart (SuccessfulExit only separates 0 from non-zero), and the daemon exits on its own only
    # when restarting cannot help: 78 (EX_CONFIG) on a configuration error, 1 when it cannot
    # start (port taken). `keep_alive true` or `successful_exit: false` would rerun
    # it every 10 s forever. `crashed: true` is launchd's KeepAlive { Crashed = true }: restart
    # only when the process died of a crash signal (SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, ...).
    # NODE_OPTIONS below turns an uncaught error (which would exit 1) into such a crash (abort).
    keep_alive crashed: true
    working_dir var
    log_path var/"log/tart-router.log"
    error_log_path var/"log/tart-router.err.log"
    # launchd's default PATH lacks Homebrew's bin, where node lives.
    environment_variables PATH: std_service_path_env, NODE_OPTIONS: "--abort-on-uncaught-exception"
  end

  test do
    output = shell_output("#{bin}/tart-router --version")
    # A HEAD build's version is HEAD-<commit>; the program still reports package.json's version.
    assert_match(version.head? ? /\A\d+\.\d+\.\d+/ : version.to_s, output)

    example = (libexec/"lib/node_modules/tart-executor/tart-router.example.yaml").read
    (testpath/"tart-router.yaml").write example
    ENV["TART_ROUTER_WEBHOOK_SECRET"] = "formula-test-webhook-secret"
    output = shell_output("#{bin}/tart-router check-config --config #{testpath}/tart-router.yaml")
    assert_match "tart-router.yaml: valid", output
    refute_match "replace-with-your-webhook-secret", output
  end
end
