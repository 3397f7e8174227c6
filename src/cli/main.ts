console.log('bilevel: CLI under construction');
