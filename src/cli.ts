console.log("hi from", process.version, process.argv.slice(2))
