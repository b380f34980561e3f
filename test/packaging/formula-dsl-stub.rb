# A stand-in for Homebrew's Formula DSL, so CI can load our formulae without brew (which needs
# macOS or a Linuxbrew checkout). It records the class-level DSL, evaluates the service block
# against a fake /opt/homebrew, and (given --package DIR) runs install and post_install in a temp
# prefix with `npm install` simulated from DIR, then optionally the formula's own test block.
# --head installs as `brew install --HEAD` does (build.head? is true, the version is HEAD).
# Prints one JSON object. Usage: ruby formula-dsl-stub.rb FORMULA.rb [--package DIR] [--head] [--run-test]
require "fileutils"
require "json"
require "open3"
require "pathname"
require "tmpdir"

class Pathname
  # Homebrew's extension: symlink each source into this directory (`{ from => name }` renames).
  def install_symlink(*sources)
    mkpath
    sources.flatten.each do |source|
      pairs = source.is_a?(Hash) ? source : { source => Pathname(source).basename }
      pairs.each { |from, to| FileUtils.ln_s(Pathname(from).expand_path, self / to.to_s) }
    end
  end
end

# Homebrew's Version: a string that knows whether it is a HEAD build's.
class Version < String
  def head? = start_with?("HEAD")
end

class Formula
  include FileUtils

  # Homebrew's Service#keep_alive accepts true/false or a hash of exactly these keys.
  KEEP_ALIVE_KEYS = %i[always successful_exit crashed path].freeze

  SERVICE_METHODS = %i[run run_type keep_alive working_dir root_dir log_path error_log_path
                       environment_variables restart_delay throttle_interval process_type require_root
                       nice name interval cron input_path sockets macos_legacy_timers].freeze

  class << self
    attr_reader :service_block, :test_block

    def meta = (@meta ||= Hash.new { |hash, key| hash[key] = [] })

    %i[desc homepage url sha256 license head livecheck bottle conflicts_with uses_from_macos depends_on].each do |m|
      define_method(m) { |*args, **kw| meta[m].concat(kw.empty? ? args : args + [kw]) }
    end

    def service(&block) = (@service_block = block)
    def test(&block) = (@test_block = block)
  end

  attr_reader :system_calls
  attr_accessor :testpath

  def initialize(root, package: nil, head: false)
    @root = Pathname(root)
    @package = package
    @head = head
    @system_calls = []
  end

  def name = self.class.name.gsub(/([a-z\d])([A-Z])/, '\1-\2').downcase
  def build = Struct.new(:head?).new(@head)

  def version
    return Version.new("HEAD") if @head

    url = self.class.meta[:url].first
    raise "#{name}: no stable url (only head); install with --head" unless url

    Version.new(url[/-(\d+(?:\.\d+)+)\.tgz\z/, 1])
  end
  def prefix = @root / "Cellar" / name / version
  def opt_prefix = @root / "opt" / name
  def bin = prefix / "bin"
  def libexec = prefix / "libexec"
  def opt_bin = opt_prefix / "bin"
  def etc = @root / "etc"
  def var = @root / "var"
  def std_service_path_env = "#{@root}/bin:#{@root}/sbin:/usr/bin:/bin:/usr/sbin:/sbin"

  # Homebrew's arguments: a global, script-less install of the packed tarball into libexec.
  def std_npm_args(prefix: libexec, ignore_scripts: true)
    args = %W[--loglevel=silly --global --build-from-source --cache=#{@root}/cache/npm_cache]
    args << "--ignore-scripts" if ignore_scripts
    args + ["--prefix=#{prefix}", "#{@root}/build/#{name}-#{version}.tgz"]
  end

  # Recorded; `npm install` is simulated the way npm lays out a global install.
  def system(*args)
    @system_calls << args.map(&:to_s)
    return unless args.first(2) == %w[npm install] && @package

    target = Pathname(args.find { |a| a.to_s.start_with?("--prefix=") }.to_s.delete_prefix("--prefix="))
    manifest = JSON.parse(File.read(File.join(@package, "package.json")))
    modules = target / "lib/node_modules"
    modules.mkpath
    FileUtils.ln_s(File.expand_path(@package), modules / manifest["name"])
    (target / "bin").mkpath
    manifest["bin"].each do |command, file|
      FileUtils.ln_s(modules / manifest["name"] / file, target / "bin" / command) if File.exist?(File.join(@package, file))
    end
  end

  def shell_output(command, result = 0)
    stdout, stderr, status = Open3.capture3(command)
    raise "`#{command}` exited #{status.exitstatus}, expected #{result}: #{stderr}" unless status.exitstatus == result

    stdout
  end

  def assert_match(expected, actual)
    raise "expected #{actual.inspect} to match #{expected.inspect}" unless actual.match?(matcher(expected))
  end

  def refute_match(expected, actual)
    raise "expected #{actual.inspect} not to match #{expected.inspect}" if actual.match?(matcher(expected))
  end

  def matcher(expected) = expected.is_a?(Regexp) ? expected : Regexp.new(Regexp.escape(expected.to_s))
end

# What `service do … end` sees: Homebrew's service methods, recorded; the formula's paths.
class ServiceRecorder
  attr_reader :calls

  def initialize(formula) = (@formula = formula; @calls = {})

  def method_missing(name, *args, **kw)
    if name == :keep_alive && !kw.empty? && !(kw.keys - Formula::KEEP_ALIVE_KEYS).empty?
      raise TypeError, "Service#keep_alive only allows: #{Formula::KEEP_ALIVE_KEYS}"
    end
    return @calls[name] = (kw.empty? ? args : args + [kw]) if Formula::SERVICE_METHODS.include?(name)
    return @formula.public_send(name, *args) if @formula.respond_to?(name)

    super
  end

  def respond_to_missing?(name, include_private = false) = Formula::SERVICE_METHODS.include?(name) || super
end

def plain(value)
  case value
  when Pathname, Symbol then value.to_s
  when Array then value.map { |item| plain(item) }
  when Hash then value.to_h { |key, item| [key.to_s, plain(item)] }
  else value
  end
end

formula_file = ARGV.fetch(0)
package = ARGV.index("--package")&.then { |i| ARGV.fetch(i + 1) }
head = ARGV.include?("--head")
load File.expand_path(formula_file)
klass = ObjectSpace.each_object(Class).find { |c| c < Formula && c.name }
abort "#{formula_file} defines no Formula subclass" unless klass

stable = klass.meta[:url].any?
service = ServiceRecorder.new(klass.new("/opt/homebrew", head: head || !stable))
service.instance_exec(&klass.service_block) if klass.service_block
report = {
  "class" => klass.name,
  "name" => klass.new("/opt/homebrew").name,
  "version" => klass.new("/opt/homebrew", head: head || !stable).version,
  "meta" => plain(klass.meta),
  "service" => service.calls.to_h { |key, args| [key.to_s, plain(args.length == 1 ? args.first : args)] },
  "hasTest" => !klass.test_block.nil?,
  "caveats" => klass.method_defined?(:caveats) ? klass.new("/opt/homebrew", head: head || !stable).caveats : nil,
}

if package
  Dir.mktmpdir("formula-stub-") do |root|
    formula = klass.new(root, package:, head:)
    [formula.etc, formula.var].each(&:mkpath) # every Homebrew prefix has them
    formula.install
    formula.opt_prefix.dirname.mkpath
    FileUtils.ln_s(formula.prefix, formula.opt_prefix) # what `brew link` does for opt/
    formula.post_install
    config = formula.etc.children.find { |path| path.extname == ".yaml" }
    installed_config = config&.read
    config&.write("# edited by the operator\n")
    formula.post_install
    report["install"] = {
      "systemCalls" => formula.system_calls,
      "stdNpmArgs" => formula.std_npm_args,
      "bin" => formula.bin.children.to_h { |link| [link.basename.to_s, link.readlink.relative_path_from(formula.prefix).to_s] },
      "binResolves" => formula.bin.children.to_h { |link| [link.basename.to_s, link.exist?] },
      "config" => config && config.relative_path_from(Pathname(root)).to_s,
      "installedConfig" => installed_config,
      "configKeptOnReinstall" => config&.read == "# edited by the operator\n",
      "logDirectory" => (formula.var / "log").directory?,
    }
    if ARGV.include?("--run-test")
      formula.testpath = Pathname(root) / "test"
      formula.testpath.mkpath
      ENV["HOME"] = formula.testpath.to_s # brew test runs with HOME in the sandbox
      formula.instance_exec(&klass.test_block)
      report["testPassed"] = true
    end
  end
end

puts JSON.pretty_generate(report)
