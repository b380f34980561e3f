# Homebrew formula for tart-router: spreads GitHub Actions jobs over several tart-executor Macs.
# Install: brew tap <owner>/tart-executor <this repository's URL>; brew install tart-router
class TartRouter < Formula
  desc "Forward GitHub Actions workflow_job webhooks to the tart-executor Mac with room"
  homepage "https://www.npmjs.com/package/tart-executor"
  # The router ships in the tart-executor package; this formula installs it and links only tart-router.
  url "https://registry.npmjs.org/tart-executor/-/tart-executor-0.1.0.tgz"
  # Release-time value: the release job replaces it with `shasum -a 256` of the published tarball.
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license "MIT"

  # The router starts no VMs, so it needs neither tart nor Apple Silicon.
  depends_on :macos
  depends_on "node"

  def install
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
    keep_alive true
    working_dir var
    log_path var/"log/tart-router.log"
    error_log_path var/"log/tart-router.err.log"
    # launchd's default PATH lacks Homebrew's bin, where node lives.
    environment_variables PATH: std_service_path_env
  end

  test do
    assert_match version.to_s, shell_output("#{bin}/tart-router --version")

    example = (libexec/"lib/node_modules/tart-executor/tart-router.example.yaml").read
    (testpath/"tart-router.yaml").write example
    ENV["TART_ROUTER_WEBHOOK_SECRET"] = "formula-test-webhook-secret"
    output = shell_output("#{bin}/tart-router check-config --config #{testpath}/tart-router.yaml")
    assert_match "tart-router.yaml: valid", output
    refute_match "replace-with-your-webhook-secret", output
  end
end
