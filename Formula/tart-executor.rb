# Homebrew formula for tart-executor: runs each GitHub Actions job in a throw-away Tart VM.
# Install: brew tap <owner>/tart-executor <this repository's URL>; brew install tart-executor
class TartExecutor < Formula
  desc "Run GitHub Actions jobs in throw-away Tart macOS VMs started by webhooks"
  homepage "https://www.npmjs.com/package/tart-executor"
  license "MIT"
  # Stable `url` and `sha256` are written above `license` by `scripts/release`, from the very
  # tarball it packs for `npm publish`. Until the first release there is only HEAD:
  #   brew install --HEAD tart-executor
  # The tap is a git clone of this repository (this file is in its Formula/ folder), so HEAD
  # builds that clone's main branch: no repository URL to keep in step with where it is hosted.
  head "file://#{File.expand_path("..", __dir__)}", using: :git, branch: "main"

  # Virtualization.framework runs macOS guests only on Apple Silicon Macs.
  depends_on arch: :arm64
  depends_on "openai/tools/tart"
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
    # The package also ships tart-router; that binary belongs to the tart-router formula, and
    # linking it here too would make the two formulae conflict.
    bin.install_symlink libexec/"bin/tart-executor"
  end

  def post_install
    (var/"log").mkpath
    config = etc/"tart-executor.yaml"
    # Never overwrite the operator's configuration on reinstall or upgrade.
    cp libexec/"lib/node_modules/tart-executor/tart-executor.example.yaml", config unless config.exist?
  end

  def caveats
    <<~EOS
      Edit the configuration (GitHub App, runner labels, VM limits):
        #{etc}/tart-executor.yaml
      then check everything the daemon needs:
        tart-executor doctor --config #{etc}/tart-executor.yaml
      and start it as a LaunchAgent of the logged-in user (not with sudo: VMs need the user's
      session, login keychain and Local Network permission):
        brew services start tart-executor
      Logs: #{var}/log/tart-executor.log and #{var}/log/tart-executor.err.log
      On macOS 15+, allow "node" when macOS asks for Local Network access, or VMs cannot be reached.
    EOS
  end

  service do
    run [opt_bin/"tart-executor", "--config", etc/"tart-executor.yaml"]
    # Restart after a crash, but not after an exit. launchd's KeepAlive cannot tell exit codes
    # apart (SuccessfulExit only separates 0 from non-zero), and the daemon exits on its own only
    # when restarting cannot help: 78 (EX_CONFIG) on a configuration error, 1 when it cannot
    # start (tart missing, port taken). `keep_alive true` or `successful_exit: false` would rerun
    # it every 10 s forever. `crashed: true` is launchd's KeepAlive { Crashed = true }: restart
    # only when the process died of a crash signal (SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, ...).
    # NODE_OPTIONS below turns an uncaught error (which would exit 1) into such a crash (abort).
    keep_alive crashed: true
    # launchd throttles CPU and I/O of jobs without a ProcessType; the VMs run as this job's children.
    process_type :interactive
    working_dir var
    log_path var/"log/tart-executor.log"
    error_log_path var/"log/tart-executor.err.log"
    # launchd's default PATH lacks Homebrew's bin, where tart (and node) live.
    environment_variables PATH: std_service_path_env, NODE_OPTIONS: "--abort-on-uncaught-exception"
  end

  test do
    output = shell_output("#{bin}/tart-executor --version")
    # A HEAD build's version is HEAD-<commit>; the program still reports package.json's version.
    assert_match(version.head? ? /\A\d+\.\d+\.\d+/ : version.to_s, output)

    # check-config on the shipped example, with the two things it needs from outside the file:
    # a readable App private key and a webhook secret.
    require "openssl"
    (testpath/"app.pem").write OpenSSL::PKey::RSA.new(2048).to_pem
    example = (libexec/"lib/node_modules/tart-executor/tart-executor.example.yaml").read
    (testpath/"tart-executor.yaml").write example.sub(/^  privateKey: .*$/, "  privateKey: #{testpath}/app.pem")
    ENV["TART_EXECUTOR_WEBHOOK_SECRET"] = "formula-test-webhook-secret"
    output = shell_output("#{bin}/tart-executor check-config --config #{testpath}/tart-executor.yaml")
    assert_match "tart-executor.yaml: valid", output
    refute_match "replace-with-your-webhook-secret", output
  end
end
