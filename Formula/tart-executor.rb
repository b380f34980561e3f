# Homebrew formula for tart-executor: runs each GitHub Actions job in a throw-away Tart VM.
# Install: brew tap <owner>/tart-executor <this repository's URL>; brew install tart-executor
class TartExecutor < Formula
  desc "Run GitHub Actions jobs in throw-away Tart macOS VMs started by webhooks"
  homepage "https://www.npmjs.com/package/tart-executor"
  url "https://registry.npmjs.org/tart-executor/-/tart-executor-0.1.0.tgz"
  # Release-time value: the release job replaces it with `shasum -a 256` of the published tarball.
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license "MIT"

  # Virtualization.framework runs macOS guests only on Apple Silicon Macs.
  depends_on arch: :arm64
  depends_on "cirruslabs/cli/tart"
  depends_on :macos
  depends_on "node"

  def install
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
    keep_alive true
    # launchd throttles CPU and I/O of jobs without a ProcessType; the VMs run as this job's children.
    process_type :interactive
    working_dir var
    log_path var/"log/tart-executor.log"
    error_log_path var/"log/tart-executor.err.log"
    # launchd's default PATH lacks Homebrew's bin, where tart (and node) live.
    environment_variables PATH: std_service_path_env
  end

  test do
    assert_match version.to_s, shell_output("#{bin}/tart-executor --version")

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
